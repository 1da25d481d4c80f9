package io.github.mae4j.samples.cli;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.data.Resampler;
import io.github.mae4j.torch.data.EvalTransform;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.downstream.LabeledFolder;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.export.Npy;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mae features}: encoder features of a folder of images (or Fashion-MNIST) to a NumPy .npy file. */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = {"Write encoder features [N, D] to a .npy file (numpy.load reads it), in file order;",
        "labels (class sub-folders as torchvision's ImageFolder; -1 without) go to --labels-out.",
        "Example: mae features --checkpoint runs/fmnist --images photos/ --out feats.npy"})
final class FeaturesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DownstreamOptions options = new DownstreamOptions();

  @Option(names = "--images", paramLabel = "DIR", description = "A folder of images (resized + centre-cropped).")
  @Nullable Path images;

  @Option(names = "--data", paramLabel = "SPLIT", description = "fashion-mnist-train or fashion-mnist-test instead.")
  @Nullable String data;

  @Option(names = "--out", required = true, paramLabel = "NPY", description = "Features file to write.")
  Path out;

  @Option(names = "--labels-out", paramLabel = "NPY", description = "Also write the labels [N] (int64).")
  @Nullable Path labelsOut;

  @Option(names = "--cls-token", description = "The cls token after the final norm instead of mean pooling.")
  boolean clsToken;

  @Override
  public Integer call() throws Exception {
    if (options.usesFolders()) {
      throw new IllegalArgumentException("mae features reads one folder: give it as --images DIR "
          + "(--train-dir/--val-dir are for knn, linprobe and finetune)");
    }
    if ((images == null) == (data == null)) {
      throw new IllegalArgumentException("give exactly one of --images DIR or --data fashion-mnist-train|test");
    }
    LinearProbeRecipe recipe = Recipes.fashionMnistLinearProbe();
    EncoderWeights w = EncoderWeights.load(options.checkpoint, recipe.getModel());
    LabeledImages set = images != null ? folder(images, w.model(), recipe) : switch (data) {
      case "fashion-mnist-train" -> options.data(FashionMnist.Split.TRAIN, w.model(), recipe);
      case "fashion-mnist-test" -> options.data(FashionMnist.Split.TEST, w.model(), recipe);
      default -> throw new IllegalArgumentException(
          "--data must be fashion-mnist-train or fashion-mnist-test, got " + data);
    };
    try (VitClassifier m = DownstreamOptions.frozenEncoder(w, 10, clsToken ? Pooling.CLS_TOKEN : Pooling.AVERAGE)) {
      Tensor f = DownstreamOptions.features(m, set);
      Npy.writeFloats(out, f);
      if (labelsOut != null) {
        Npy.writeLongs(labelsOut, set.labels());
      }
      spec.commandLine().getOut().println("wrote " + out.toAbsolutePath() + " [" + f.size(0) + ", " + f.size(1) + "]"
          + (labelsOut != null ? " and " + labelsOut.toAbsolutePath() : ""));
    }
    return 0;
  }

  /**
   * Every image of the folder (labels from class sub-folders, -1 when it has none), resized so the shorter side is
   * {@code size / evalCropPct}, centre-cropped, normalized.
   */
  private static LabeledImages folder(Path dir, MaeConfig model, LinearProbeRecipe recipe) throws java.io.IOException {
    int size = model.getImageSize();
    int resize = Math.max(size, (int) Math.round(size / recipe.getAugmentation().getEvalCropPct()));
    EvalTransform t = new EvalTransform(resize, size, DownstreamOptions.folderNormalization(recipe, model),
        Resampler.pil());
    return LabeledFolder.read(dir, model.getInChannels(), t, 0, false).data();
  }
}

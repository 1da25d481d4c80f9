package io.github.mae4j.samples.cli;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.data.EvalTransform;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.data.ImageFolderDataset;
import io.github.mae4j.torch.data.Sample;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.export.Npy;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
        "labels (when the folder has class sub-folders) go to --labels-out.",
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
    if ((images == null) == (data == null)) {
      throw new IllegalArgumentException("give exactly one of --images DIR or --data fashion-mnist-train|test");
    }
    LinearProbeRecipe recipe = Recipes.fashionMnistLinearProbe();
    EncoderWeights w = EncoderWeights.load(options.checkpoint, recipe.getModel());
    LabeledImages set = images != null ? folder(images, w.model(), recipe.getNormalization()) : switch (data) {
      case "fashion-mnist-train" -> options.data(FashionMnist.Split.TRAIN, w.model());
      case "fashion-mnist-test" -> options.data(FashionMnist.Split.TEST, w.model());
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

  /** Every image of the folder, resized (shorter side to size/0.875) and centre-cropped, normalized. */
  private static LabeledImages folder(Path dir, MaeConfig model, Normalization norm) throws java.io.IOException {
    ImageFolderDataset ds = ImageFolderDataset.open(dir, model.getInChannels());
    int size = model.getImageSize();
    EvalTransform t = EvalTransform.resizeCenterCrop((int) Math.round(size / 0.875), size)
        .normalize(io.github.mae4j.torch.data.Normalization.of(norm.getMean(), norm.getStd()));
    int plane = model.getInChannels() * size * size;
    float[] px = new float[ds.size() * plane];
    long[] labels = new long[ds.size()];
    SplittableRandom rng = new SplittableRandom(0);
    for (int i = 0; i < ds.size(); i++) {
      Sample s = t.apply(ds.read(i), rng);
      System.arraycopy(s.chw(), 0, px, i * plane, plane);
      labels[i] = Math.max(0, s.label());
    }
    return new LabeledImages(Tensor.create(px, ds.size(), model.getInChannels(), size, size),
        Tensor.create(labels, ds.size()));
  }
}

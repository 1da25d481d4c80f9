package io.github.mae4j.samples.cli;

import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.downstream.export.FeatureExport;
import io.github.mae4j.torch.downstream.vit.Pooling;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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

  @Option(names = "--images", paramLabel = "DIR", description = "A folder of images, tar shards ('s/shard-{000000..000003}.tar') or a path,label file list "
      + "(resized + centre-cropped).")
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
    FeatureExport export;
    if (images != null) {
      export = FeatureExport.ofFolder(recipe, options.checkpoint, images, out);
    } else {
      FashionMnist.Split split = switch (data) {
        case "fashion-mnist-train" -> FashionMnist.Split.TRAIN;
        case "fashion-mnist-test" -> FashionMnist.Split.TEST;
        default -> throw new IllegalArgumentException(
            "--data must be fashion-mnist-train or fashion-mnist-test, got " + data);
      };
      export = FeatureExport.ofFashionMnist(recipe, options.checkpoint, split,
          split == FashionMnist.Split.TRAIN ? options.trainLimit : options.testLimit, out);
    }
    FeatureExport.Result r = export.withPooling(clsToken ? Pooling.CLS_TOKEN : Pooling.AVERAGE)
        .withLabelsOut(labelsOut).withAdaptChannels(options.adaptation()).run(DownstreamOptions::log);
    spec.commandLine().getOut().println("wrote " + out.toAbsolutePath() + " [" + r.rows() + ", " + r.dim() + "]"
        + (labelsOut != null ? " and " + labelsOut.toAbsolutePath() : ""));
    return 0;
  }
}

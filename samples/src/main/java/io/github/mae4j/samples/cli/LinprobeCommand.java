package io.github.mae4j.samples.cli;

import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.linprobe.LinearProbe;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mae linprobe}: a BatchNorm + linear head trained with LARS on frozen features. */
@Command(name = "linprobe", mixinStandardHelpOptions = true,
    description = {"Linear probing on Fashion-MNIST: frozen encoder, BatchNorm without affine + linear head,",
        "LARS, warmup + cosine (recipe fashion-mnist-linprobe). Example: mae linprobe --checkpoint runs/fmnist"})
final class LinprobeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DownstreamOptions options = new DownstreamOptions();

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the recipe's).")
  @Nullable Integer epochs;

  @Option(names = "--cls-token", description = "Probe the cls token (after the final norm) instead of mean pooling.")
  boolean clsToken;

  @Override
  public Integer call() throws Exception {
    LinearProbeRecipe recipe = Recipes.fashionMnistLinearProbe();
    if (epochs != null) {
      recipe = recipe.withEpochs(epochs);
    }
    EncoderWeights w = EncoderWeights.load(options.checkpoint, recipe.getModel());
    LabeledImages train = options.data(FashionMnist.Split.TRAIN, w.model());
    LabeledImages test = options.data(FashionMnist.Split.TEST, w.model());
    int total = recipe.getEpochs();
    Pooling pooling = clsToken ? Pooling.CLS_TOKEN : Pooling.AVERAGE;
    try (VitClassifier m = DownstreamOptions.frozenEncoder(w, 10, pooling)) {
      Tensor trainF = DownstreamOptions.features(m, train);
      Tensor testF = DownstreamOptions.features(m, test);
      try (LinearProbe probe = new LinearProbe(m.embedDim(), 10, recipe.isHeadBatchNorm(), recipe.getSeed())) {
        RunResult r = probe.train(recipe, trainF, train.labels(), testF, test.labels(),
            e -> DownstreamOptions.log(String.format(Locale.ROOT, "epoch %d/%d loss %.4f lr %.3g test top-1 %.2f %%",
                e.epoch(), total, e.trainLoss(), e.learningRate(), 100 * e.testTop1())));
        spec.commandLine().getOut().println(options.json
            ? String.format(Locale.ROOT, "{\"top1\": %.4f, \"top5\": %.4f, \"epochs\": %d, \"seconds\": %.1f}",
                r.top1(), r.top5(), r.epochs().size(), r.seconds())
            : String.format(Locale.ROOT, "linear probe: top-1 %.2f %%, top-5 %.2f %% after %d epochs (%.1f s)",
                100 * r.top1(), 100 * r.top5(), r.epochs().size(), r.seconds()));
      }
    }
    return 0;
  }
}

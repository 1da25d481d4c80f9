package io.github.mae4j.samples.cli;

import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.linprobe.LinearProbeRun;
import io.github.mae4j.torch.downstream.vit.Pooling;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mae linprobe}: a BatchNorm + linear head trained with LARS on frozen features. */
@Command(name = "linprobe", mixinStandardHelpOptions = true,
    description = {"Linear probing on Fashion-MNIST: frozen encoder, BatchNorm without affine + linear head,",
        "LARS, warmup + cosine (recipe fashion-mnist-linprobe). --output DIR keeps a checkpoint and metrics.jsonl",
        "after every epoch; --resume DIR continues such a run. Example: mae linprobe --checkpoint runs/fmnist"})
final class LinprobeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DownstreamOptions options = new DownstreamOptions();

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the recipe's).")
  @Nullable Integer epochs;

  @Option(names = "--cls-token", description = "Probe the cls token (after the final norm) instead of mean pooling.")
  boolean clsToken;

  @Option(names = "--augment",
      description = "The paper's protocol: a random resized crop (scale 0.08-1) and flip of every training image each "
          + "epoch, features recomputed by the frozen encoder every step (slower).")
  boolean augment;

  @Mixin RunDirOptions run = new RunDirOptions();

  @Override
  public Integer call() throws Exception {
    Map<String, @Nullable Object> others = new LinkedHashMap<>();
    others.put("--epochs", epochs);
    others.put("--cls-token", clsToken);
    others.put("--augment", augment);
    options.putGiven(others);
    LinearProbeRun.Builder b;
    if (run.resuming(others)) {
      b = LinearProbeRun.resume(run.resume);
    } else {
      b = LinearProbeRun.builder(Recipes.fashionMnistLinearProbe())
          .encoder(options.checkpoint).adaptChannels(options.adaptation()).data(options.data()).output(run.output)
          .pooling(clsToken ? Pooling.CLS_TOKEN : Pooling.AVERAGE).augment(augment);
      if (epochs != null) {
        b.epochs(epochs);
      }
    }
    int total = b.recipe().getEpochs();
    try (DistributedContext job = JobContext.fromEnvironment()) {
      boolean speaks = JobContext.speaks(job);
      if (job != null) {
        b.distributed(job);
      }
      RunResult r = b.log(speaks ? DownstreamOptions::log : DownstreamOptions::logWarnings)
          .onEpoch(e -> {
            if (speaks) {
              DownstreamOptions.log(String.format(Locale.ROOT, "epoch %d/%d loss %.4f lr %.3g test top-1 %.2f %%",
                  e.epoch(), total, e.trainLoss(), e.learningRate(), 100 * e.testTop1()));
            }
          })
          .build().run();
      if (speaks) {
        options.print(spec, "linear probe", r);
      }
    }
    return 0;
  }
}

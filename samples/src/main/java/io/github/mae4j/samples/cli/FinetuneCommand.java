package io.github.mae4j.samples.cli;

import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.finetune.FinetuneRun;
import io.github.mae4j.torch.run.ProgressReporter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mae finetune}: end-to-end (or last-k-blocks) fine-tuning of a ViT classifier from the encoder. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
    description = {"Fine-tune a ViT classifier built from the encoder on Fashion-MNIST (recipe",
        "fashion-mnist-finetune: AdamW, layer decay, drop path, mixup/cutmix, label smoothing, random erasing).",
        "--output DIR keeps a checkpoint and metrics.jsonl after every epoch; --resume DIR continues such a run.",
        "Example: mae finetune --checkpoint runs/fmnist --epochs 10 --output runs/ft"})
final class FinetuneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DownstreamOptions options = new DownstreamOptions();

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the recipe's).")
  @Nullable Integer epochs;

  @Option(names = "--last-blocks", paramLabel = "K",
      description = "Partial fine-tuning: train only the last K blocks, the final norm and the head.")
  @Nullable Integer lastBlocks;

  @Option(names = "--ema", paramLabel = "DECAY", description = "Keep an EMA of the weights and evaluate it.")
  @Nullable Double ema;

  @Mixin RunDirOptions run = new RunDirOptions();

  @Override
  public Integer call() throws Exception {
    Map<String, @Nullable Object> others = new LinkedHashMap<>();
    others.put("--epochs", epochs);
    others.put("--last-blocks", lastBlocks);
    others.put("--ema", ema);
    options.putGiven(others);
    FinetuneRun.Builder b;
    if (run.resuming(others)) {
      b = FinetuneRun.resume(run.resume);
    } else {
      b = FinetuneRun.builder(Recipes.fashionMnistFinetune())
          .encoder(options.checkpoint).adaptChannels(options.adaptation()).data(options.data())
          .output(run.output);
      if (epochs != null) {
        b.epochs(epochs);
      }
      if (lastBlocks != null) {
        b.lastBlocks(lastBlocks);
      }
      if (ema != null) {
        b.ema(ema);
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
              DownstreamOptions.log(String.format(Locale.ROOT,
                  "epoch %d/%d loss %.4f lr %.3g (%.0f s) test top-1 %.2f %%",
                  e.epoch(), total, e.trainLoss(), e.learningRate(), e.seconds(), 100 * e.testTop1()));
            }
          })
          .stepProgress(speaks ? ProgressReporter.forStderr(10) : ProgressReporter.silent())
          .build().run();
      if (speaks) {
        options.print(spec, "fine-tune", r);
      }
    }
    return 0;
  }
}

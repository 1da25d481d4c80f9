package io.github.mae4j.samples.cli;

import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.downstream.knn.KnnEvaluation;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mae knn}: weighted k-NN accuracy of frozen encoder features. */
@Command(name = "knn", mixinStandardHelpOptions = true,
    description = {"k-NN accuracy of frozen encoder features (cosine similarity, votes weighted by exp(sim/T))",
        "on Fashion-MNIST, or on labelled folders given by --train-dir (the bank) and --val-dir (the queries).",
        "Example: mae knn --checkpoint runs/fmnist --k 20"})
final class KnnCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DownstreamOptions options = new DownstreamOptions();

  @Option(names = "--k", paramLabel = "K", description = "Neighbours (default 20).")
  int k = KnnEvaluation.DEFAULT_K;

  @Option(names = "--temperature", paramLabel = "T", description = "Vote temperature (default 0.07).")
  double temperature = KnnEvaluation.DEFAULT_TEMPERATURE;

  @Override
  public Integer call() throws Exception {
    KnnEvaluation.Result r = new KnnEvaluation(Recipes.fashionMnistLinearProbe(), options.checkpoint, options.data(),
        k, temperature, options.adaptation()).run(DownstreamOptions::log);
    spec.commandLine().getOut().println(options.json
        ? String.format(Locale.ROOT, "{\"top1\": %.4f, \"top5\": %.4f, \"k\": %d, \"temperature\": %s, "
            + "\"train\": %d, \"test\": %d, \"seconds\": %.1f}", r.top1(), r.top5(), k, temperature,
            r.bank(), r.queries(), r.seconds())
        : String.format(Locale.ROOT, "k-NN (k=%d, T=%s): top-1 %.2f %%, top-5 %.2f %% on %d test images "
            + "(%d neighbours bank, %.1f s)", k, temperature, 100 * r.top1(), 100 * r.top5(),
            r.queries(), r.bank(), r.seconds()));
    return 0;
  }
}

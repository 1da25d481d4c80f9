package io.github.mae4j.samples.cli;

import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.eval.TopKAccuracy;
import io.github.mae4j.torch.downstream.knn.KnnClassifier;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
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
  int k = 20;

  @Option(names = "--temperature", paramLabel = "T", description = "Vote temperature (default 0.07).")
  double temperature = 0.07;

  @Override
  public Integer call() throws Exception {
    LinearProbeRecipe recipe = Recipes.fashionMnistLinearProbe();
    EncoderWeights w = EncoderWeights.load(options.checkpoint, recipe.getModel());
    LabeledImages train = options.data(FashionMnist.Split.TRAIN, w.model(), recipe);
    LabeledImages test = options.data(FashionMnist.Split.TEST, w.model(), recipe);
    int classes = options.numClasses();
    long t0 = System.nanoTime();
    try (VitClassifier m = DownstreamOptions.frozenEncoder(w, classes, Pooling.AVERAGE)) {
      Tensor trainF = DownstreamOptions.features(m, train);
      Tensor testF = DownstreamOptions.features(m, test);
      try (KnnClassifier knn = new KnnClassifier(trainF, train.labels(), classes, k, temperature)) {
        TopKAccuracy acc = knn.evaluate(testF, test.labels(), 256);
        double s = (System.nanoTime() - t0) / 1e9;
        spec.commandLine().getOut().println(options.json
            ? String.format(Locale.ROOT, "{\"top1\": %.4f, \"top5\": %.4f, \"k\": %d, \"temperature\": %s, "
                + "\"train\": %d, \"test\": %d, \"seconds\": %.1f}", acc.top1(), acc.accuracy(1), k, temperature,
                train.size(), test.size(), s)
            : String.format(Locale.ROOT, "k-NN (k=%d, T=%s): top-1 %.2f %%, top-5 %.2f %% on %d test images "
                + "(%d neighbours bank, %.1f s)", k, temperature, 100 * acc.top1(), 100 * acc.accuracy(1),
                test.size(), train.size(), s));
      }
    }
    return 0;
  }
}

package io.github.mae4j.torch.downstream.knn;

import io.github.mae4j.api.recipe.Recipe;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.downstream.DownstreamData;
import io.github.mae4j.torch.downstream.EncoderWeights;
import io.github.mae4j.torch.downstream.LabeledData;
import io.github.mae4j.torch.downstream.eval.FrozenEncoder;
import io.github.mae4j.torch.downstream.eval.TopKAccuracy;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.weights.ChannelAdaptation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Weighted k-NN accuracy of a frozen encoder's mean-pooled features, as {@code mae knn} measures it: the training
 * data are the bank, the test data the queries, cosine similarity, votes weighted by {@code exp(sim / T)}
 * ({@link KnnClassifier}).
 *
 * @param recipe gives the model of an official checkpoint, the statistics and the evaluation crop of folder images
 * @param encoder the encoder's checkpoint ({@link EncoderWeights#load}), or null for a random encoder
 * @param data the bank (training split) and the queries (test split)
 * @param k neighbours (checked by {@link KnnClassifier}: 1 to the bank's size)
 * @param temperature vote temperature (&gt; 0)
 * @param adaptChannels how to adapt an encoder of another channel count, or null to refuse it
 */
public record KnnEvaluation(Recipe recipe, @Nullable Path encoder, DownstreamData data, int k, double temperature,
    @Nullable ChannelAdaptation adaptChannels) {
  /** The usual neighbours (20). */
  public static final int DEFAULT_K = 20;
  /** The usual vote temperature (0.07). */
  public static final double DEFAULT_TEMPERATURE = 0.07;

  /** Refusing an encoder of another channel count. */
  public KnnEvaluation(Recipe recipe, @Nullable Path encoder, DownstreamData data, int k, double temperature) {
    this(recipe, encoder, data, k, temperature, null);
  }

  /** The same, adapting an encoder of another channel count as {@code adaptation} says. */
  public KnnEvaluation withAdaptChannels(@Nullable ChannelAdaptation adaptation) {
    return new KnnEvaluation(recipe, encoder, data, k, temperature, adaptation);
  }

  /** With {@link #DEFAULT_K} neighbours and {@link #DEFAULT_TEMPERATURE}. */
  public static KnnEvaluation of(Recipe recipe, @Nullable Path encoder, DownstreamData data) {
    return new KnnEvaluation(recipe, encoder, data, DEFAULT_K, DEFAULT_TEMPERATURE);
  }

  /**
   * What an evaluation measured.
   *
   * @param top1 fraction of queries whose vote's first class is right
   * @param top5 fraction whose true class is among the vote's first five
   * @param bank labelled images in the bank (unreadable ones skipped)
   * @param queries images classified (unreadable ones skipped)
   * @param seconds wall time, features included
   */
  public record Result(double top1, double top5, long bank, long queries, double seconds) {}

  /** Runs it without a log. */
  public Result run() throws IOException {
    return run(s -> {});
  }

  /**
   * Reads the encoder and the data, computes the features of both splits, classifies the queries.
   *
   * @param log told what is read and loaded
   * @throws IllegalArgumentException for a missing checkpoint or data that do not fit the model
   * @throws IOException when a checkpoint or the data cannot be read
   */
  public Result run(Consumer<String> log) throws IOException {
    EncoderWeights w = EncoderWeights.load(encoder, recipe.getModel(), adaptChannels);
    LabeledData train = data.load(FashionMnist.Split.TRAIN, w, recipe, log);
    LabeledData test = data.load(FashionMnist.Split.TEST, w, recipe, log);
    int classes = data.numClasses();
    long t0 = System.nanoTime();
    try (VitClassifier m = FrozenEncoder.open(w, classes, Pooling.AVERAGE, log)) {
      Tensor trainF = FrozenEncoder.features(m, train);
      Tensor testF = FrozenEncoder.features(m, test);
      try (KnnClassifier knn = new KnnClassifier(trainF, train.labels(), classes, k, temperature)) {
        TopKAccuracy acc = knn.evaluate(testF, test.labels(), FrozenEncoder.BATCH);
        LabeledData.skipSummary(train, test).ifPresent(log);
        return new Result(acc.top1(), acc.accuracy(1), trainF.size(0), testF.size(0),
            (System.nanoTime() - t0) / 1e9);
      }
    }
  }
}

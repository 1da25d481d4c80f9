package io.github.mae4j.torch.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * One line of {@code metrics.jsonl}: either one logged iteration ({@code kind = "iter"}, the loss of that
 * iteration) or one finished epoch ({@code kind = "epoch"}, the mean loss over the epoch's iterations).
 *
 * @param kind {@code "iter"} or {@code "epoch"}
 * @param epoch the epoch, from 0
 * @param iter the global iteration (one batch), from 0; for an epoch line the last iteration of the epoch
 * @param loss the reconstruction loss (mean over masked patches)
 * @param lr the learning rate in force at that iteration
 * @param imagesPerSec training throughput over the logging window (iteration lines) or the epoch (epoch lines)
 * @param elapsedSec wall time since the run (or resumed run) started
 * @param testTop1 top-1 accuracy on the evaluation set after the epoch (downstream runs; absent otherwise)
 * @param knnTop1 k-NN top-1 accuracy in [0, 1] measured after this epoch ({@code train.KnnMonitoring}); absent (null,
 *     and left out of the JSON line) when not measured
 */
public record MetricsRecord(
    @JsonProperty("kind") String kind,
    @JsonProperty("epoch") int epoch,
    @JsonProperty("iter") long iter,
    @JsonProperty("loss") double loss,
    @JsonProperty("lr") double lr,
    @JsonProperty("images_per_sec") double imagesPerSec,
    @JsonProperty("elapsed_sec") double elapsedSec,
    @JsonProperty("test_top1") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Double testTop1,
    @JsonProperty("knn_top1") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Double knnTop1) {

  public static final String ITER = "iter";
  public static final String EPOCH = "epoch";

  /** A line without accuracies. */
  public MetricsRecord(String kind, int epoch, long iter, double loss, double lr, double imagesPerSec,
      double elapsedSec) {
    this(kind, epoch, iter, loss, lr, imagesPerSec, elapsedSec, null, null);
  }

  /** This line with a k-NN top-1 accuracy. */
  public MetricsRecord withKnnTop1(double value) {
    return new MetricsRecord(kind, epoch, iter, loss, lr, imagesPerSec, elapsedSec, testTop1, value);
  }

  public static MetricsRecord iteration(int epoch, long iter, double loss, double lr, double imagesPerSec,
      double elapsedSec) {
    return new MetricsRecord(ITER, epoch, iter, loss, lr, imagesPerSec, elapsedSec);
  }

  public static MetricsRecord epoch(int epoch, long iter, double loss, double lr, double imagesPerSec,
      double elapsedSec) {
    return new MetricsRecord(EPOCH, epoch, iter, loss, lr, imagesPerSec, elapsedSec);
  }

  /** An epoch line of a downstream run, with its top-1 accuracy (NaN, when not evaluated, is left out). */
  public static MetricsRecord epoch(int epoch, long iter, double loss, double lr, double imagesPerSec,
      double elapsedSec, double testTop1) {
    return new MetricsRecord(EPOCH, epoch, iter, loss, lr, imagesPerSec, elapsedSec,
        Double.isNaN(testTop1) ? null : testTop1, null);
  }

  @JsonIgnore
  public boolean isIteration() {
    return ITER.equals(kind);
  }

  @JsonIgnore
  public boolean isEpoch() {
    return EPOCH.equals(kind);
  }
}

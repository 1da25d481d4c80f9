package io.github.mae4j.torch.run;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The run stopped because the loss (or the weights) became NaN or infinite. The message says at which
 * iteration and epoch, with which learning rate, what produced it, and which checkpoint is the last good one.
 */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long iteration;
  private final int epoch;
  private final double lr;
  private final String cause;
  private final @Nullable Path lastGoodCheckpoint;

  /**
   * @param what what became non-finite, e.g. {@code "loss is NaN"}
   * @param iteration the global iteration (step) that produced it
   * @param epoch the epoch it happened in
   * @param lr the learning rate in force
   * @param cause a diagnosis
   * @param lastGoodCheckpoint the newest checkpoint, which the run leaves as it was; null when none was written
   */
  public TrainingDivergedException(String what, long iteration, int epoch, double lr, String cause,
      @Nullable Path lastGoodCheckpoint) {
    super("training stopped: " + what + " at iteration " + iteration + " (epoch " + epoch + "), lr "
        + String.format(java.util.Locale.ROOT, "%.4g", lr) + ": " + cause + ". "
        + (lastGoodCheckpoint == null
            ? "No checkpoint had been written yet."
            : "The last good checkpoint is kept at " + lastGoodCheckpoint + " (resume from it with a lower "
                + "learning rate, or check the data)."));
    this.iteration = iteration;
    this.epoch = epoch;
    this.lr = lr;
    this.cause = cause;
    this.lastGoodCheckpoint = lastGoodCheckpoint;
  }

  /** The global iteration that produced the non-finite value. */
  public long iteration() {
    return iteration;
  }

  public int epoch() {
    return epoch;
  }

  /** The learning rate in force. */
  public double lr() {
    return lr;
  }

  /** What produced it: non-finite input images, non-finite weights, or the forward pass itself. */
  public String diagnosis() {
    return cause;
  }

  public Optional<Path> lastGoodCheckpoint() {
    return Optional.ofNullable(lastGoodCheckpoint);
  }
}

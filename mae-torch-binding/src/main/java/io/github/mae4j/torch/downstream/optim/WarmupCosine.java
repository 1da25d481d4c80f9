package io.github.mae4j.torch.downstream.optim;

/**
 * The MAE learning-rate schedule, evaluated per iteration at a fractional epoch: linear warmup from 0 to
 * {@code baseLr}, then half-cosine decay to {@code minLr} at {@code totalEpochs}.
 */
public record WarmupCosine(double baseLr, double minLr, double warmupEpochs, double totalEpochs) {
  public WarmupCosine {
    if (!(baseLr >= 0) || !(minLr >= 0) || minLr > baseLr) {
      throw new IllegalArgumentException("need 0 <= minLr (" + minLr + ") <= baseLr (" + baseLr + ")");
    }
    if (!(totalEpochs > 0) || !(warmupEpochs >= 0) || warmupEpochs > totalEpochs) {
      throw new IllegalArgumentException(
          "need 0 <= warmupEpochs (" + warmupEpochs + ") <= totalEpochs (" + totalEpochs + ") and totalEpochs > 0");
    }
  }

  /** The learning rate at fractional epoch {@code epoch} (e.g. {@code step / stepsPerEpoch}). */
  public double at(double epoch) {
    if (epoch < warmupEpochs) {
      return baseLr * epoch / warmupEpochs;
    }
    double span = totalEpochs - warmupEpochs;
    double progress = span == 0 ? 1 : Math.min(1, (epoch - warmupEpochs) / span);
    return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}

package io.github.mae4j.api.schedule;

/**
 * The MAE learning-rate schedule, a pure function of training progress: linear warmup from 0 to {@code peakLr}
 * over {@code warmupEpochs}, then a half-cycle cosine from {@code peakLr} down to {@code minLr} at
 * {@code epochs}. Progress is fractional, so the rate changes every iteration:
 *
 * <pre>
 *   e &lt; w:  lr(e) = peak · e / w
 *   e ≥ w:  lr(e) = min + (peak − min) · ½ · (1 + cos(π · (e − w) / (E − w)))
 * </pre>
 *
 * Past {@code epochs} the rate stays at {@code minLr}.
 *
 * @param peakLr rate reached at the end of warmup (blr × effective batch / 256)
 * @param minLr rate at the end of training
 * @param warmupEpochs w, in [0, E)
 * @param epochs E, positive
 */
public record LrSchedule(double peakLr, double minLr, double warmupEpochs, double epochs) {

  public LrSchedule {
    if (!(peakLr >= 0) || Double.isInfinite(peakLr)) {
      throw new IllegalArgumentException("peakLr (" + peakLr + ") must be a finite number >= 0");
    }
    if (!(minLr >= 0 && minLr <= peakLr)) {
      throw new IllegalArgumentException("minLr (" + minLr + ") must be in [0, peakLr (" + peakLr + ")]");
    }
    if (!(epochs > 0) || Double.isInfinite(epochs)) {
      throw new IllegalArgumentException("epochs (" + epochs + ") must be a positive finite number");
    }
    if (!(warmupEpochs >= 0 && warmupEpochs < epochs)) {
      throw new IllegalArgumentException(
          "warmupEpochs (" + warmupEpochs + ") must be in [0, epochs (" + epochs + "))");
    }
  }

  /** The rate at fractional epoch {@code epoch} (≥ 0). */
  public double at(double epoch) {
    if (!(epoch >= 0)) {
      throw new IllegalArgumentException("epoch (" + epoch + ") must be >= 0");
    }
    if (epoch < warmupEpochs) {
      return peakLr * epoch / warmupEpochs;
    }
    if (epoch >= epochs) {
      return minLr;
    }
    double progress = (epoch - warmupEpochs) / (epochs - warmupEpochs);
    return minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  /**
   * The rate at loader step {@code iteration} (counted from 0 over the whole run) with {@code itersPerEpoch} steps
   * per epoch: {@code at(iteration / itersPerEpoch)}. With gradient accumulation the reference sets it at the
   * first step of each update.
   */
  public double at(long iteration, long itersPerEpoch) {
    if (itersPerEpoch <= 0) {
      throw new IllegalArgumentException("itersPerEpoch (" + itersPerEpoch + ") must be positive");
    }
    if (iteration < 0) {
      throw new IllegalArgumentException("iteration (" + iteration + ") must be >= 0");
    }
    return at((double) iteration / itersPerEpoch);
  }
}

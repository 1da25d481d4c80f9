package io.github.mae4j.torch.data;

import java.io.IOException;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Per-channel {@code (x − mean[c]) / std[c]} on values in [0, 1]. Not forced to ImageNet statistics: pick
 * {@link #imagenet()}, {@link #none()}, {@link #of}, or {@link #estimate} them from the data (gray or medical
 * images). {@link #none()} applies to any channel count; the others only to theirs.
 *
 * @param mean per-channel mean (empty for none)
 * @param std per-channel standard deviation, all > 0
 */
public record Normalization(double[] mean, double[] std) implements Transform {
  public Normalization {
    mean = mean.clone();
    std = std.clone();
    if (mean.length != std.length) {
      throw new IllegalArgumentException("normalization needs one mean and one std per channel, got "
          + mean.length + " means and " + std.length + " stds");
    }
    for (int c = 0; c < std.length; c++) {
      if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
        throw new IllegalArgumentException("normalization std must be finite and > 0 and mean finite, channel "
            + c + " has mean " + mean[c] + ", std " + std[c]);
      }
    }
  }

  /** ImageNet RGB statistics, what MAE uses ({@link io.github.mae4j.api.recipe.Normalization#imagenet()}). */
  public static Normalization imagenet() {
    return from(io.github.mae4j.api.recipe.Normalization.imagenet());
  }

  /** No normalization: values stay in [0, 1]. */
  public static Normalization none() {
    return new Normalization(new double[0], new double[0]);
  }

  /** Given statistics, one per channel. */
  public static Normalization of(double[] mean, double[] std) {
    return new Normalization(mean, std);
  }

  /** The statistics of a recipe's normalization. */
  public static Normalization from(io.github.mae4j.api.recipe.Normalization recipe) {
    return new Normalization(recipe.getMean(), recipe.getStd());
  }

  /**
   * Estimates per-channel mean and std over {@code samples} images spread evenly over the dataset (all when
   * samples ≥ size), unaugmented; unreadable images are passed over.
   *
   * @throws IllegalArgumentException when samples {@literal <} 1 or no sampled image could be read
   */
  public static Normalization estimate(ImageDataset dataset, int samples) {
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be >= 1, got " + samples);
    }
    int n = Math.min(samples, dataset.size());
    int channels = dataset.channels();
    double[] sum = new double[channels];
    double[] sumSq = new double[channels];
    long[] count = new long[channels];
    for (int k = 0; k < n; k++) {
      int index = (int) ((long) k * dataset.size() / n);
      Sample s;
      try {
        s = dataset.read(index);
      } catch (IOException e) {
        continue;
      }
      int plane = s.height() * s.width();
      for (int c = 0; c < channels; c++) {
        double a = 0;
        double b = 0;
        for (int i = c * plane; i < (c + 1) * plane; i++) {
          a += s.chw()[i];
          b += (double) s.chw()[i] * s.chw()[i];
        }
        sum[c] += a;
        sumSq[c] += b;
        count[c] += plane;
      }
    }
    if (count[0] == 0) {
      throw new IllegalArgumentException("none of the " + n + " sampled images could be read");
    }
    double[] mean = new double[channels];
    double[] std = new double[channels];
    for (int c = 0; c < channels; c++) {
      mean[c] = sum[c] / count[c];
      std[c] = Math.sqrt(Math.max(sumSq[c] / count[c] - mean[c] * mean[c], 1e-12));
    }
    return new Normalization(mean, std);
  }

  /** Per-channel means (a copy). */
  @Override
  public double[] mean() {
    return mean.clone();
  }

  /** Per-channel standard deviations (a copy). */
  @Override
  public double[] std() {
    return std.clone();
  }

  /** Number of channels this applies to; 0 for {@link #none()} (any). */
  public int channels() {
    return mean.length;
  }

  /** Whether this is the identity. */
  public boolean isNone() {
    return mean.length == 0;
  }

  /**
   * Normalizes a copy of the sample's values: [C, H, W] → [C, H, W].
   *
   * @throws IllegalArgumentException when the sample's channel count differs from this normalization's
   */
  @Override
  public Sample apply(Sample sample, RandomGenerator rng) {
    if (isNone()) {
      return sample;
    }
    checkChannels(sample.channels());
    int plane = sample.height() * sample.width();
    float[] in = sample.chw();
    float[] out = new float[in.length];
    for (int c = 0; c < sample.channels(); c++) {
      float m = (float) mean[c];
      float inv = (float) (1.0 / std[c]);
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        out[i] = (in[i] - m) * inv;
      }
    }
    return sample.withPixels(out, sample.channels(), sample.height(), sample.width());
  }

  /** @throws IllegalArgumentException when this normalization does not fit {@code channels} */
  public void checkChannels(int channels) {
    if (!isNone() && channels != mean.length) {
      throw new IllegalArgumentException("normalization has " + mean.length + " channels but the images have "
          + channels + (channels == 1 ? ": use Normalization.of/estimate for gray images" : ""));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return isNone() ? "Normalization[none]"
        : "Normalization[mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + "]";
  }
}

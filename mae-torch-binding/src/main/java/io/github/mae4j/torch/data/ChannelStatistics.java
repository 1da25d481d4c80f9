package io.github.mae4j.torch.data;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongBinaryOperator;
import java.util.stream.IntStream;

/**
 * Per-channel mean and standard deviation of a dataset's pixels in [0, 1], as the images are decoded (every pixel
 * counts once, so larger images weigh more), streamed: images are read in chunks decoded in parallel and folded in
 * index order with Chan's update, so the result does not depend on the thread count and memory holds a chunk only.
 * Unreadable images are skipped (one line to {@code log}) and counted.
 *
 * @param mean per channel
 * @param std per channel (population standard deviation)
 * @param images images measured
 * @param pixels pixels per channel measured
 * @param skipped unreadable images skipped
 */
public record ChannelStatistics(double[] mean, double[] std, long images, long pixels, int skipped) {
  private static final int CHUNK = 256;

  /**
   * Measures {@code ds}: all of it when {@code sample <= 0} or {@code sample >= size}, else {@code sample} images
   * drawn without replacement by a seeded shuffle.
   *
   * @param progress told (done, total) after every chunk
   * @throws IllegalArgumentException when no image could be read
   */
  public static ChannelStatistics measure(ImageDataset ds, int sample, long seed, Consumer<String> log,
      LongBinaryOperator progress) {
    int[] order = IntStream.range(0, ds.size()).toArray();
    int n = order.length;
    if (sample > 0 && sample < n) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < sample; i++) { // partial Fisher–Yates: the first `sample` positions
        int j = i + r.nextInt(n - i);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      n = sample;
      Arrays.sort(order, 0, n); // read in file order: friendlier to the disk, same result
    }
    int c = ds.channels();
    long count = 0;
    double[] mean = new double[c];
    double[] m2 = new double[c];
    int skipped = 0;
    long images = 0;
    for (int start = 0; start < n; start += CHUNK) {
      int len = Math.min(CHUNK, n - start);
      int from = start;
      double[][] parts = new double[len][];
      String[] errors = new String[len];
      IntStream.range(0, len).parallel().forEach(k -> {
        int index = order[from + k];
        try {
          parts[k] = moments(ds.read(index));
        } catch (IOException e) {
          errors[k] = SkipMessages.line(ds.describe(index), e);
        }
      });
      for (int k = 0; k < len; k++) {
        if (parts[k] == null) {
          skipped++;
          log.accept(errors[k]);
          continue;
        }
        images++;
        double nb = parts[k][0];
        for (int ch = 0; ch < c; ch++) {
          double mb = parts[k][1 + 2 * ch];
          double m2b = parts[k][2 + 2 * ch];
          double delta = mb - mean[ch];
          double total = count + nb;
          mean[ch] += delta * nb / total;
          m2[ch] += m2b + delta * delta * count * nb / total;
        }
        count += (long) nb;
      }
      progress.applyAsLong(start + len, n);
    }
    if (images == 0) {
      throw new IllegalArgumentException("none of the " + n + " images measured could be read");
    }
    double[] std = new double[c];
    for (int ch = 0; ch < c; ch++) {
      std[ch] = Math.sqrt(m2[ch] / count);
    }
    return new ChannelStatistics(mean, std, images, count, skipped);
  }

  /** {pixels, mean_0, M2_0, mean_1, M2_1, …} of one image. */
  private static double[] moments(Sample s) {
    int plane = s.height() * s.width();
    float[] chw = s.chw();
    double[] out = new double[1 + 2 * s.channels()];
    out[0] = plane;
    for (int ch = 0; ch < s.channels(); ch++) {
      double sum = 0;
      for (int i = ch * plane; i < (ch + 1) * plane; i++) {
        sum += chw[i];
      }
      double m = sum / plane;
      double q = 0;
      for (int i = ch * plane; i < (ch + 1) * plane; i++) {
        double d = chw[i] - m;
        q += d * d;
      }
      out[1 + 2 * ch] = m;
      out[2 + 2 * ch] = q;
    }
    return out;
  }

  /**
   * As the recipe's {@code normalization} (mean and std rounded to 4 decimals, as ImageNet's are quoted).
   *
   * @throws IllegalArgumentException when a channel is constant (std 0 after rounding): normalizing would divide by 0
   */
  public io.github.mae4j.api.recipe.Normalization toNormalization() {
    double[] s = round(std);
    for (int c = 0; c < s.length; c++) {
      if (s[c] <= 0) {
        throw new IllegalArgumentException("channel " + c + " is constant in the " + images + " images measured (mean "
            + mean[c] + ", std " + std[c] + "): its statistics cannot normalize; use the recipe's");
      }
    }
    return io.github.mae4j.api.recipe.Normalization.of(round(mean), round(std));
  }

  private static double[] round(double[] v) {
    return Arrays.stream(v).map(x -> Math.round(x * 1e4) / 1e4).toArray();
  }

  /** The YAML fragment to paste into a recipe. */
  public String recipeFragment() {
    return "normalization:\n  mean: " + list(round(mean)) + "\n  std: " + list(round(std)) + "\n";
  }

  private static String list(double[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.4f", v[i]));
    }
    return sb.append(']').toString();
  }
}

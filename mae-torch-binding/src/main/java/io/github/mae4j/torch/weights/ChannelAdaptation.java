package io.github.mae4j.torch.weights;

import java.util.Locale;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * How weights trained on C' image channels are fitted to a model of C channels (timm's {@code adapt_input_conv}
 * for the first convolution), asked for explicitly: without one, another channel count is refused by name.
 *
 * <ul>
 *   <li>{@link #MEAN}: every new input channel gets the sum of the old ones divided by C, so an image whose
 *       channels are all equal gives the same patch embedding as before (for C = 1 this is timm's sum).
 *   <li>{@link #REPEAT}: the old channels tiled cyclically up to C and scaled by C'/C (timm's rule for C ≠ 1, 3).
 * </ul>
 * The decoder's prediction head ({@code decoder_pred}, p²·C outputs, channels last) is adapted along its output
 * channels the same way: the mean of the old channels' rows, or the rows tiled (no scaling: they are outputs).
 */
public enum ChannelAdaptation {
  MEAN,
  REPEAT;

  /** Parses {@code mean} / {@code repeat} (any case). */
  public static ChannelAdaptation parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("channel adaptation must be mean or repeat, got '" + s + "'", e);
    }
  }

  /** A convolution weight [O, C', k, k] → [O, C, k, k]. */
  public Tensor adaptInput(Tensor weight, int channels) {
    long old = weight.size(1);
    if (old == channels) {
      return weight;
    }
    if (this == MEAN) {
      Tensor sum = weight.sum(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
      return sum.div(new Scalar((double) channels)).expand(weight.size(0), channels, weight.size(2), weight.size(3))
          .contiguous();
    }
    long times = (channels + old - 1) / old;
    return weight.repeat(1, times, 1, 1).narrow(1, 0, channels).mul(new Scalar((double) old / channels))
        .contiguous();
  }

  /**
   * Output rows of a patch predictor, [p²·C', …] with channels last → [p²·C, …].
   *
   * @param pixels p², the pixels of one patch
   */
  public Tensor adaptOutput(Tensor rows, long pixels, int channels) {
    long old = rows.size(0) / pixels;
    if (old == channels) {
      return rows;
    }
    long[] split = new long[(int) rows.dim() + 1];
    split[0] = pixels;
    split[1] = old;
    for (int i = 1; i < rows.dim(); i++) {
      split[i + 1] = rows.size(i);
    }
    Tensor t = rows.reshape(split);
    long[] target = split.clone();
    target[1] = channels;
    Tensor out = this == MEAN
        ? t.mean(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()).expand(target)
        : repeatChannels(t, old, channels);
    long[] flat = new long[(int) rows.dim()];
    flat[0] = pixels * channels;
    for (int i = 1; i < rows.dim(); i++) {
      flat[i] = rows.size(i);
    }
    return out.contiguous().reshape(flat);
  }

  private static Tensor repeatChannels(Tensor t, long old, int channels) {
    long times = (channels + old - 1) / old;
    long[] reps = new long[(int) t.dim()];
    java.util.Arrays.fill(reps, 1);
    reps[1] = times;
    return t.repeat(reps).narrow(1, 0, channels);
  }
}

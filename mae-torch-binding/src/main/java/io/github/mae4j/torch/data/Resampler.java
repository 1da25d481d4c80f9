package io.github.mae4j.torch.data;

/**
 * Separable resampling of planar float images: PIL's resize filters (what torchvision's transforms use on PIL
 * images) and torch's bicubic {@code interpolate}.
 *
 * <ul>
 *   <li>{@link #pil()} — bicubic (Keys' cubic convolution kernel, {@code a = −0.5}), antialiased: when shrinking,
 *       the kernel is stretched by the scale factor, and at the borders the window is cut to the image and the
 *       weights renormalized. This is PIL's {@code Image.resize(BICUBIC)} and torch's
 *       {@code interpolate(mode="bicubic", antialias=True)}. It is the default of the transforms here.
 *   <li>{@link #torch()} — bicubic, {@code a = −0.75}, no antialiasing, edge pixels replicated: torch's
 *       {@code interpolate(mode="bicubic", align_corners=False)}.
 *   <li>{@link #pilBilinear()} — PIL's {@code BILINEAR}: the triangle kernel (support 1), antialiased as above.
 *   <li>{@link #pilNearest()} — PIL's {@code NEAREST}: output pixel o takes input pixel
 *       {@code floor((o + 0.5) · in / out)}.
 * </ul>
 *
 * <p>The bicubic flavors keep a constant image constant; only {@code a = −0.5} also keeps a linear ramp linear (Keys
 * 1981), {@code a = −0.75} bends it slightly (by up to ~5% of the step between neighbors).
 * {@code ResamplerTest} checks both against torch 1.13's {@code interpolate} to 2e-6, and the bilinear and nearest
 * filters against values computed by hand.
 *
 * <p>Values are not clamped: bicubic overshoot near edges survives (as with torch on float tensors). Input
 * pixels outside the crop box are never read (a hard crop, then a resize, like torchvision's
 * {@code resized_crop}).
 */
public final class Resampler {
  private enum Filter { CUBIC, LINEAR, NEAREST }

  private static final Resampler PIL = new Resampler(Filter.CUBIC, -0.5, true);
  private static final Resampler TORCH = new Resampler(Filter.CUBIC, -0.75, false);
  private static final Resampler PIL_BILINEAR = new Resampler(Filter.LINEAR, 0, true);
  private static final Resampler PIL_NEAREST = new Resampler(Filter.NEAREST, 0, false);

  private final Filter filter;
  private final double a;
  private final boolean antialias;

  private Resampler(Filter filter, double a, boolean antialias) {
    this.filter = filter;
    this.a = a;
    this.antialias = antialias;
  }

  /** PIL's resize filter for {@code interpolation}: {@link #pil()}, {@link #pilBilinear()} or {@link #pilNearest()}. */
  public static Resampler pil(io.github.mae4j.api.recipe.Interpolation interpolation) {
    return switch (interpolation) {
      case BICUBIC -> PIL;
      case BILINEAR -> PIL_BILINEAR;
      case NEAREST -> PIL_NEAREST;
    };
  }

  /** PIL's {@code BILINEAR} resize (triangle kernel, antialiased). */
  public static Resampler pilBilinear() {
    return PIL_BILINEAR;
  }

  /** PIL's {@code NEAREST} resize. */
  public static Resampler pilNearest() {
    return PIL_NEAREST;
  }

  /** PIL / torch-antialias bicubic ({@code a = −0.5}, antialiased). */
  public static Resampler pil() {
    return PIL;
  }

  /** torch {@code interpolate} bicubic ({@code a = −0.75}, not antialiased, edges replicated). */
  public static Resampler torch() {
    return TORCH;
  }

  /** The bicubic kernel's {@code a} (0 for the bilinear and nearest filters). */
  public double a() {
    return a;
  }

  /** Whether shrinking stretches the kernel. */
  public boolean antialias() {
    return antialias;
  }

  /** Resizes a whole image: [C, H, W] → [C, outH, outW]. */
  public float[] resize(float[] src, int channels, int height, int width, int outH, int outW) {
    return resize(src, channels, height, width, 0, 0, height, width, outH, outW);
  }

  /**
   * Crops box (top, left, cropH, cropW) and resizes it: [C, H, W] → [C, outH, outW].
   *
   * @throws IllegalArgumentException when the box leaves the image or a size is not positive
   */
  public float[] resize(float[] src, int channels, int height, int width, int top, int left, int cropH,
      int cropW, int outH, int outW) {
    if (cropH < 1 || cropW < 1 || outH < 1 || outW < 1) {
      throw new IllegalArgumentException("crop " + cropH + "x" + cropW + " and output " + outH + "x" + outW
          + " must be positive");
    }
    if (top < 0 || left < 0 || top + cropH > height || left + cropW > width) {
      throw new IllegalArgumentException("crop box (top " + top + ", left " + left + ", " + cropH + "x" + cropW
          + ") leaves the " + height + "x" + width + " image");
    }
    if ((long) channels * height * width != src.length) {
      throw new IllegalArgumentException("image [" + channels + ", " + height + ", " + width + "] needs "
          + (long) channels * height * width + " values, got " + src.length);
    }
    Coefficients cx = coefficients(cropW, outW);
    Coefficients cy = coefficients(cropH, outH);
    float[] out = new float[channels * outH * outW];
    if (outH <= cropH) {
      verticalFirst(src, channels, height, width, top, left, cropH, cropW, outH, outW, cx, cy, out);
      return out;
    }
    float[] tmp = new float[cropH * outW];
    for (int c = 0; c < channels; c++) {
      int srcPlane = c * height * width;
      for (int y = 0; y < cropH; y++) {
        int row = srcPlane + (top + y) * width + left;
        int trow = y * outW;
        for (int o = 0; o < outW; o++) {
          int base = o * cx.taps;
          float s = 0;
          for (int k = 0, n = cx.count[o]; k < n; k++) {
            s += cx.weights[base + k] * src[row + cx.index[base + k]];
          }
          tmp[trow + o] = s;
        }
      }
      int outPlane = c * outH * outW;
      for (int o = 0; o < outH; o++) {
        int base = o * cy.taps;
        int orow = outPlane + o * outW;
        for (int k = 0, n = cy.count[o]; k < n; k++) {
          float wgt = cy.weights[base + k];
          if (wgt == 0f) {
            continue;
          }
          int trow = cy.index[base + k] * outW;
          for (int x = 0; x < outW; x++) {
            out[orow + x] += wgt * tmp[trow + x];
          }
        }
      }
    }
    return out;
  }

  /**
   * The same filter with the passes swapped, for a crop that shrinks (or keeps) its height: the vertical pass, whose
   * inner loop runs along contiguous rows (vectorized by the JIT), comes first and leaves outH rows, so the
   * horizontal pass (a short dot product per output pixel) runs on outH rather than cropH rows. Equal to the
   * horizontal-first order up to float rounding (the sums are the same, in another order).
   */
  private static void verticalFirst(float[] src, int channels, int height, int width, int top, int left, int cropH,
      int cropW, int outH, int outW, Coefficients cx, Coefficients cy, float[] out) {
    float[] tmp = new float[outH * cropW];
    for (int c = 0; c < channels; c++) {
      int srcPlane = c * height * width;
      java.util.Arrays.fill(tmp, 0f);
      for (int o = 0; o < outH; o++) {
        int base = o * cy.taps;
        int trow = o * cropW;
        for (int k = 0, n = cy.count[o]; k < n; k++) {
          float wgt = cy.weights[base + k];
          if (wgt == 0f) {
            continue;
          }
          int row = srcPlane + (top + cy.index[base + k]) * width + left;
          for (int x = 0; x < cropW; x++) {
            tmp[trow + x] += wgt * src[row + x];
          }
        }
      }
      int outPlane = c * outH * outW;
      for (int y = 0; y < outH; y++) {
        int trow = y * cropW;
        int orow = outPlane + y * outW;
        for (int o = 0; o < outW; o++) {
          int base = o * cx.taps;
          float s = 0;
          if (cx.contiguous) { // the taps are adjacent inputs: no index lookup per tap
            int from = trow + cx.index[base];
            for (int k = 0, n = cx.count[o]; k < n; k++) {
              s += cx.weights[base + k] * tmp[from + k];
            }
          } else {
            for (int k = 0, n = cx.count[o]; k < n; k++) {
              s += cx.weights[base + k] * tmp[trow + cx.index[base + k]];
            }
          }
          out[orow + o] = s;
        }
      }
    }
  }

  /** The filter's kernel: Keys' cubic with this {@code a}, or the triangle {@code max(0, 1 − |x|)}. */
  double kernel(double x) {
    x = Math.abs(x);
    if (filter == Filter.LINEAR) {
      return Math.max(0, 1 - x);
    }
    if (x < 1) {
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    }
    if (x < 2) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0;
  }

  /**
   * Taps per output pixel o: {@code count[o]} inputs, {@code index[o·taps + k]} (input position in the crop) with
   * weight {@code weights[o·taps + k]}; entries past count are padding: weight 0 at a valid index, so a loop may run
   * past count and add nothing. {@code contiguous}: the first
   * {@code count[o]} indices of every o are consecutive ({@code index[o·taps] + k}).
   */
  record Coefficients(int taps, int[] count, int[] index, float[] weights, boolean contiguous) {}

  Coefficients coefficients(int in, int out) {
    double scale = (double) in / out;
    if (filter == Filter.NEAREST) {
      return nearest(in, out, scale);
    }
    return antialias ? antialiased(in, out, scale) : replicated(in, out, scale);
  }

  private Coefficients antialiased(int in, int out, double scale) {
    double filterScale = Math.max(scale, 1.0);
    double support = (filter == Filter.LINEAR ? 1.0 : 2.0) * filterScale;
    int taps = (int) Math.ceil(support) * 2 + 1;
    int[] count = new int[out];
    int[] index = new int[out * taps];
    float[] weights = new float[out * taps];
    double[] w = new double[taps];
    for (int o = 0; o < out; o++) {
      double center = (o + 0.5) * scale;
      int min = Math.max((int) (center - support + 0.5), 0); // truncation, as PIL; clamped to 0 anyway
      int max = Math.min((int) (center + support + 0.5), in);
      int n = Math.max(0, Math.min(max - min, taps));
      count[o] = n;
      double sum = 0;
      for (int k = 0; k < n; k++) {
        w[k] = kernel((min + k - center + 0.5) / filterScale);
        sum += w[k];
      }
      for (int k = 0; k < taps; k++) {
        index[o * taps + k] = k < n ? min + k : min;
        weights[o * taps + k] = k < n && sum != 0 ? (float) (w[k] / sum) : 0f;
      }
    }
    return new Coefficients(taps, count, index, weights, true);
  }

  private static Coefficients nearest(int in, int out, double scale) {
    int[] count = new int[out];
    int[] index = new int[out];
    float[] weights = new float[out];
    for (int o = 0; o < out; o++) {
      count[o] = 1;
      index[o] = Math.min((int) Math.floor((o + 0.5) * scale), in - 1);
      weights[o] = 1f;
    }
    return new Coefficients(1, count, index, weights, true);
  }

  private Coefficients replicated(int in, int out, double scale) {
    int taps = 4;
    int[] count = new int[out];
    java.util.Arrays.fill(count, taps);
    int[] index = new int[out * taps];
    float[] weights = new float[out * taps];
    for (int o = 0; o < out; o++) {
      double real = scale * (o + 0.5) - 0.5;
      int i0 = (int) Math.floor(real);
      double t = real - i0;
      for (int k = 0; k < taps; k++) {
        index[o * taps + k] = Math.clamp(i0 - 1 + k, 0, in - 1);
        weights[o * taps + k] = (float) kernel(t + 1 - k);
      }
    }
    return new Coefficients(taps, count, index, weights, false); // clamped at the borders
  }
}

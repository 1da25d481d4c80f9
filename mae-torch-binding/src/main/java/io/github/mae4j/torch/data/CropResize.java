package io.github.mae4j.torch.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Crop, resize, flip and normalize straight from decoded 8-bit pixels ({@link Pixels8}) to planar floats, in one
 * pass over the crop's rows: what {@link PretrainTransform} does to a {@link Sample}, without first turning the
 * whole image into floats.
 *
 * <p>Same arithmetic as the float path: a byte becomes {@code v / 255f} (and gray from color BT.601 luma, as
 * {@link ChannelConversion}); the {@link Resampler}'s vertical pass runs first, then its horizontal pass, with the
 * same weights and the same order of sums as {@code Resampler.resize} uses for a crop that keeps or shrinks its
 * height (so the result is the same to the bit there; when the crop is shorter than the output, the float path
 * runs the horizontal pass first and the two differ by float rounding, about 1e-7).
 *
 * <p>Why it is fast: each crop row is converted once, into a float row of its own; the vertical pass adds whole
 * rows, {@code acc[i] += w · row[i]} with the same index on both arrays, which HotSpot's C2 turns into vector
 * instructions (it does not for two arrays at different offsets, which it cannot prove apart); the horizontal pass
 * then reads the freshly summed row while it is in the L1 cache, one weight for all channels of a pixel.
 */
final class CropResize {
  private CropResize() {}

  /** Gray from 8-bit color (BT.601), in [0, 1]: as {@link ChannelConversion#luma}. */
  private static final float[] UNIT = new float[256];

  static {
    for (int v = 0; v < 256; v++) {
      UNIT[v] = v / 255f;
    }
  }

  /**
   * [channels, outH, outW] of the box {@code (top, left, cropH, cropW)} of {@code px}, resized by {@code r},
   * mirrored left–right when {@code flip}, then normalized by {@code n}.
   *
   * @param channels 1 or 3: gray from color by BT.601 luma, gray to color by replication
   */
  static float[] run(Pixels8 px, int channels, int top, int left, int cropH, int cropW, Resampler r, int outH,
      int outW, boolean flip, Normalization n) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("8-bit images become 1 or 3 channels, got " + channels);
    }
    if (top < 0 || left < 0 || cropH < 1 || cropW < 1 || top + cropH > px.height() || left + cropW > px.width()) {
      throw new IllegalArgumentException("crop box (top " + top + ", left " + left + ", " + cropH + "x" + cropW
          + ") leaves the " + px.height() + "x" + px.width() + " image");
    }
    n.checkChannels(channels);
    Resampler.Coefficients cy = r.coefficients(cropH, outH);
    Resampler.Coefficients cx = r.coefficients(cropW, outW);
    int work = px.channels() == 3 && channels == 3 ? 3 : 1; // channels resampled; gray → RGB replicates at the end
    int rowLength = cropW * work;
    float[][] rows = new float[cropH][]; // converted crop rows, each made when a tap first needs it
    byte[] bytes = new byte[cropW * px.channels()];
    float[] acc = new float[rowLength];
    int plane = outH * outW;
    float[] out = new float[channels * plane];
    float[] shift = new float[work];
    float[] scale = new float[work];
    Arrays.fill(scale, 1f);
    boolean replicate = work == 1 && channels == 3; // normalized per channel after the copy
    boolean normalize = !n.isNone() && !replicate;
    if (normalize) {
      for (int c = 0; c < work; c++) {
        shift[c] = (float) n.mean()[c];
        scale[c] = (float) (1.0 / n.std()[c]);
      }
    }
    int[] yCount = cy.count();
    int[] yIndex = cy.index();
    float[] yWeight = cy.weights();
    int[] xCount = cx.count();
    int[] xIndex = cx.index();
    float[] xWeight = cx.weights();
    for (int o = 0; o < outH; o++) {
      Arrays.fill(acc, 0f);
      int base = o * cy.taps();
      for (int k = 0, count = yCount[o]; k < count; k++) {
        float w = yWeight[base + k];
        if (w == 0f) {
          continue;
        }
        int y = yIndex[base + k];
        float[] row = rows[y];
        if (row == null) {
          row = rows[y] = convert(px, top + y, left, cropW, work, bytes);
        }
        for (int i = 0; i < rowLength; i++) {
          acc[i] += w * row[i];
        }
      }
      int outRow = o * outW;
      for (int ox = 0; ox < outW; ox++) {
        int xb = ox * cx.taps();
        int at = outRow + (flip ? outW - 1 - ox : ox);
        if (work == 1) {
          float s = 0;
          for (int k = 0, count = xCount[ox]; k < count; k++) {
            s += xWeight[xb + k] * acc[xIndex[xb + k]];
          }
          out[at] = normalize ? (s - shift[0]) * scale[0] : s;
        } else {
          float s0 = 0;
          float s1 = 0;
          float s2 = 0;
          for (int k = 0, count = xCount[ox]; k < count; k++) {
            float w = xWeight[xb + k];
            int i = 3 * xIndex[xb + k];
            s0 += w * acc[i];
            s1 += w * acc[i + 1];
            s2 += w * acc[i + 2];
          }
          out[at] = normalize ? (s0 - shift[0]) * scale[0] : s0;
          out[plane + at] = normalize ? (s1 - shift[1]) * scale[1] : s1;
          out[2 * plane + at] = normalize ? (s2 - shift[2]) * scale[2] : s2;
        }
      }
    }
    if (replicate) {
      for (int c = 2; c >= 0; c--) { // plane 0 holds the gray values until the last round
        float m = n.isNone() ? 0f : (float) n.mean()[c];
        float inv = n.isNone() ? 1f : (float) (1.0 / n.std()[c]);
        for (int i = 0; i < plane; i++) {
          out[c * plane + i] = n.isNone() ? out[i] : (out[i] - m) * inv;
        }
      }
    }
    return out;
  }

  /** Crop row {@code y} as floats in [0, 1], {@code work} values per pixel (R, G, B or gray). */
  private static float[] convert(Pixels8 px, int y, int left, int cropW, int work, byte[] bytes) {
    MemorySegment.copy(px.data(), ValueLayout.JAVA_BYTE, y * px.stride() + (long) left * px.channels(), bytes, 0,
        bytes.length);
    float[] row = new float[cropW * work];
    if (px.channels() == 1) {
      for (int x = 0; x < cropW; x++) {
        row[x] = UNIT[bytes[x] & 0xFF];
      }
    } else if (work == 1) {
      for (int x = 0, b = 0; x < cropW; x++, b += 3) {
        row[x] = ChannelConversion.luma(bytes[b + 2] & 0xFF, bytes[b + 1] & 0xFF, bytes[b] & 0xFF);
      }
    } else {
      for (int x = 0, b = 0; x < cropW; x++, b += 3) {
        row[3 * x] = UNIT[bytes[b + 2] & 0xFF];
        row[3 * x + 1] = UNIT[bytes[b + 1] & 0xFF];
        row[3 * x + 2] = UNIT[bytes[b] & 0xFF];
      }
    }
    return row;
  }
}

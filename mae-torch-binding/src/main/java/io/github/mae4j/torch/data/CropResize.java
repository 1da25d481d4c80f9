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
 * <p>Why it is fast (the pipeline benchmark of docs/data-pipeline.md went from 4.1–5.6 to 2.1–2.6 CPU ms per
 * 500×375 photo, libjpeg-turbo's decode included, with this and the reuse of batch memory):
 * <ul>
 *   <li>Only the crop's rows are converted, each once and into a float array of its own (a small ring of them, as
 *       many as the vertical filter's window), in the decoder's B, G, R order, so the conversion and the vertical pass ({@code acc[i] += w · row[i]}) use one index on both
 *       arrays, which HotSpot's C2 turns into vector instructions. It does not vectorize two arrays at different
 *       offsets, which it cannot prove apart: measured 0.5 against 0.055 ns per element.
 *   <li>The horizontal pass reads the freshly summed row while it is in the L1 cache, four output pixels at once:
 *       twelve independent sums instead of one chain of dependent additions per pixel and channel.
 *   <li>Flip and normalization are folded into the store of each output value.
 * </ul>
 */
final class CropResize {
  private CropResize() {}

  /**
   * [channels, outH, outW] of the box {@code (top, left, cropH, cropW)} of {@code px}, resized by {@code r},
   * mirrored left–right when {@code flip}, then normalized by {@code n}.
   *
   * @param channels 1 or 3: gray from color by BT.601 luma, gray to color by replication
   */
  static float[] run(Pixels8 px, int channels, int top, int left, int cropH, int cropW, Resampler r, int outH,
      int outW, boolean flip, Normalization n) {
    return run(px, channels, top, left, cropH, cropW, r, outH, outW, 0, 0, outH, outW, flip, n);
  }

  /**
   * As {@link #run(Pixels8, int, int, int, int, int, Resampler, int, int, boolean, Normalization)}, but only the
   * window {@code (winTop, winLeft, winH, winW)} of the {@code outH × outW} resize is computed and returned,
   * [channels, winH, winW]: a resize followed by a crop (an evaluation transform's centre crop) without the pixels
   * the crop drops. The values are those of the whole resize at those positions (each output pixel's sums depend
   * only on its own position).
   */
  static float[] run(Pixels8 px, int channels, int top, int left, int cropH, int cropW, Resampler r, int outH,
      int outW, int winTop, int winLeft, int winH, int winW, boolean flip, Normalization n) {
    if (winTop < 0 || winLeft < 0 || winH < 1 || winW < 1 || winTop + winH > outH || winLeft + winW > outW) {
      throw new IllegalArgumentException("output window (top " + winTop + ", left " + winLeft + ", " + winH + "x"
          + winW + ") leaves the " + outH + "x" + outW + " output");
    }
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
    // converted crop rows in a ring of as many rows as a vertical window holds: the windows only move down, so each
    // row is converted once, and the rows in use stay in the L1/L2 cache (a whole crop's rows would be ~1 MB)
    int ring = cy.taps();
    float[][] rows = new float[ring][rowLength];
    int[] held = new int[ring];
    Arrays.fill(held, -1);
    byte[] bytes = new byte[cropW * px.channels()];
    float[] acc = new float[rowLength];
    int plane = winH * winW;
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
    int xTaps = cx.taps();
    int winRight = winLeft + winW;
    for (int o = winTop; o < winTop + winH; o++) {
      Arrays.fill(acc, 0f);
      int base = o * cy.taps();
      for (int k = 0, count = yCount[o]; k < count; k++) {
        float w = yWeight[base + k];
        if (w == 0f) {
          continue;
        }
        int y = yIndex[base + k];
        int slot = y % ring;
        float[] row = rows[slot];
        if (held[slot] != y) {
          convert(px, top + y, left, cropW, work, bytes, row);
          held[slot] = y;
        }
        for (int i = 0; i < rowLength; i++) {
          acc[i] += w * row[i];
        }
      }
      int outRow = (o - winTop) * winW;
      if (work == 1) {
        for (int ox = winLeft; ox < winRight; ox++) {
          int xb = ox * xTaps;
          float s = 0;
          for (int k = 0, count = xCount[ox]; k < count; k++) {
            s += xWeight[xb + k] * acc[xIndex[xb + k]];
          }
          int col = ox - winLeft;
          out[outRow + (flip ? winW - 1 - col : col)] = normalize ? (s - shift[0]) * scale[0] : s;
        }
        continue;
      }
      int ox = winLeft;
      for (; ox + 4 <= winRight; ox += 4) { // four pixels at once: twelve independent sums keep the adders busy
        int b0 = ox * xTaps;
        int b1 = b0 + xTaps;
        int b2 = b1 + xTaps;
        int b3 = b2 + xTaps;
        int taps = Math.max(Math.max(xCount[ox], xCount[ox + 1]), Math.max(xCount[ox + 2], xCount[ox + 3]));
        float r0 = 0;
        float g0 = 0;
        float u0 = 0;
        float r1 = 0;
        float g1 = 0;
        float u1 = 0;
        float r2 = 0;
        float g2 = 0;
        float u2 = 0;
        float r3 = 0;
        float g3 = 0;
        float u3 = 0;
        for (int k = 0; k < taps; k++) { // past a pixel's count its weights are 0 and add nothing (see Coefficients)
          float w0 = xWeight[b0 + k];
          float w1 = xWeight[b1 + k];
          float w2 = xWeight[b2 + k];
          float w3 = xWeight[b3 + k];
          int i0 = 3 * xIndex[b0 + k];
          int i1 = 3 * xIndex[b1 + k];
          int i2 = 3 * xIndex[b2 + k];
          int i3 = 3 * xIndex[b3 + k];
          r0 += w0 * acc[i0 + 2];
          g0 += w0 * acc[i0 + 1];
          u0 += w0 * acc[i0];
          r1 += w1 * acc[i1 + 2];
          g1 += w1 * acc[i1 + 1];
          u1 += w1 * acc[i1];
          r2 += w2 * acc[i2 + 2];
          g2 += w2 * acc[i2 + 1];
          u2 += w2 * acc[i2];
          r3 += w3 * acc[i3 + 2];
          g3 += w3 * acc[i3 + 1];
          u3 += w3 * acc[i3];
        }
        int col = ox - winLeft;
        store(out, outRow, plane, winW, col, flip, normalize, shift, scale, r0, g0, u0);
        store(out, outRow, plane, winW, col + 1, flip, normalize, shift, scale, r1, g1, u1);
        store(out, outRow, plane, winW, col + 2, flip, normalize, shift, scale, r2, g2, u2);
        store(out, outRow, plane, winW, col + 3, flip, normalize, shift, scale, r3, g3, u3);
      }
      for (; ox < winRight; ox++) {
        int xb = ox * xTaps;
        float r0 = 0;
        float g0 = 0;
        float u0 = 0;
        for (int k = 0, count = xCount[ox]; k < count; k++) {
          float w = xWeight[xb + k];
          int i = 3 * xIndex[xb + k];
          r0 += w * acc[i + 2];
          g0 += w * acc[i + 1];
          u0 += w * acc[i];
        }
        store(out, outRow, plane, winW, ox - winLeft, flip, normalize, shift, scale, r0, g0, u0);
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

  /** Column {@code col} of output row {@code outRow}: mirrored when {@code flip}, normalized when asked. */
  private static void store(float[] out, int outRow, int plane, int width, int col, boolean flip, boolean normalize,
      float[] shift, float[] scale, float r, float g, float b) {
    int at = outRow + (flip ? width - 1 - col : col);
    out[at] = normalize ? (r - shift[0]) * scale[0] : r;
    out[plane + at] = normalize ? (g - shift[1]) * scale[1] : g;
    out[2 * plane + at] = normalize ? (b - shift[2]) * scale[2] : b;
  }

  /** Crop row {@code y} as floats in [0, 1] into {@code row}, {@code work} values per pixel (B, G, R or gray). */
  private static void convert(Pixels8 px, int y, int left, int cropW, int work, byte[] bytes, float[] row) {
    MemorySegment.copy(px.data(), ValueLayout.JAVA_BYTE, y * px.stride() + (long) left * px.channels(), bytes, 0,
        bytes.length);
    if (work == 1 && px.channels() == 3) {
      for (int x = 0, b = 0; x < cropW; x++, b += 3) {
        row[x] = ChannelConversion.luma(bytes[b + 2] & 0xFF, bytes[b + 1] & 0xFF, bytes[b] & 0xFF);
      }
    } else { // gray, or B, G, R kept in the decoder's order (the horizontal pass reads them back as R, G, B)
      // v / 255f as ChannelConversion's table has it, in three loops C2 vectorizes (it does not vectorize
      // (b & 0xFF) / 255f in one): flip the sign bit, widen the signed byte, add 128 back (exact), divide.
      for (int i = 0; i < row.length; i++) {
        bytes[i] = (byte) (bytes[i] ^ 0x80);
      }
      for (int i = 0; i < row.length; i++) {
        row[i] = bytes[i];
      }
      for (int i = 0; i < row.length; i++) {
        row[i] = (row[i] + 128f) / 255f;
      }
    }
  }
}

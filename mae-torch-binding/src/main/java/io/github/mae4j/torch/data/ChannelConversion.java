package io.github.mae4j.torch.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;

/**
 * Turns a decoded {@link BufferedImage} into planar floats in [0, 1] with 1 or 3 channels.
 *
 * <ul>
 *   <li>Color → gray: ITU-R BT.601 luma, {@code Y = 0.299 R + 0.587 G + 0.114 B} on the stored (gamma-encoded)
 *       values, as PIL's {@code convert("L")} does.
 *   <li>Gray → color: the gray value is replicated into R, G and B.
 *   <li>Alpha is dropped: the color values are taken as stored (not composited on any background), so a fully
 *       transparent pixel keeps whatever color the file holds for it.
 *   <li>Gray images (any bit depth) are read from the raster, scaled by {@code 2^bits − 1}, so no color-space
 *       conversion changes their values; everything else goes through {@link BufferedImage#getRGB} (sRGB, 8 bit).
 * </ul>
 */
public final class ChannelConversion {
  /** BT.601 luma weights. */
  public static final float WR = 0.299f;
  public static final float WG = 0.587f;
  public static final float WB = 0.114f;

  private ChannelConversion() {}

  /**
   * Converts an image. Output: [C, H, W] in [0, 1].
   *
   * @throws IllegalArgumentException when channels is not 1 or 3
   */
  public static float[] toPlanar(BufferedImage image, int channels) {
    checkChannels(channels);
    int w = image.getWidth();
    int h = image.getHeight();
    int plane = w * h;
    float[] out = new float[channels * plane];
    ColorSpace cs = image.getColorModel().getColorSpace();
    if (cs.getType() == ColorSpace.TYPE_GRAY && image.getColorModel().getNumColorComponents() == 1) {
      readGray(image.getRaster(), image.getColorModel().getComponentSize(0), out, plane);
      for (int c = 1; c < channels; c++) {
        System.arraycopy(out, 0, out, c * plane, plane);
      }
      return out;
    }
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
        && image.getRaster().getDataBuffer() instanceof DataBufferByte db
        && image.getRaster().getSampleModelTranslateX() == 0
        && image.getRaster().getSampleModelTranslateY() == 0) {
      readBgrBytes(db.getData(), out, plane, channels);
      return out;
    }
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int argb = row[x];
        store(out, y * w + x, plane, channels, (argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF);
      }
    }
    return out;
  }

  /** Gray value in [0, 1] of an 8-bit RGB color. */
  public static float luma(int r, int g, int b) {
    return (WR * r + WG * g + WB * b) / 255f;
  }

  /**
   * Converts planar RGB [3, H, W] to gray [1, H, W] with BT.601 weights, or returns the input when it already has
   * the wanted channel count; gray [1, H, W] → [3, H, W] replicates.
   */
  public static float[] convert(float[] chw, int fromChannels, int toChannels, int plane) {
    checkChannels(toChannels);
    if (fromChannels == toChannels) {
      return chw;
    }
    if (fromChannels == 1 && toChannels == 3) {
      float[] out = new float[3 * plane];
      for (int c = 0; c < 3; c++) {
        System.arraycopy(chw, 0, out, c * plane, plane);
      }
      return out;
    }
    if (fromChannels == 3 && toChannels == 1) {
      float[] out = new float[plane];
      for (int i = 0; i < plane; i++) {
        out[i] = WR * chw[i] + WG * chw[plane + i] + WB * chw[2 * plane + i];
      }
      return out;
    }
    throw new IllegalArgumentException(
        "cannot convert " + fromChannels + " channels to " + toChannels + " (supported: 1 and 3)");
  }

  static void checkChannels(int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 (gray) or 3 (RGB), got " + channels);
    }
  }

  private static void readGray(Raster raster, int bits, float[] out, int plane) {
    float max = (float) ((1L << bits) - 1);
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        out[y * w + x] = row[x] / max;
      }
    }
  }

  /** Interleaved 8-bit BGR (OpenCV's order) [H, W, 3] → planar [C, H, W] in [0, 1], converted as above. */
  static float[] fromBgrBytes(byte[] bgr, int plane, int channels) {
    float[] out = new float[channels * plane];
    readBgrBytes(bgr, out, plane, channels);
    return out;
  }

  /** 8-bit gray [H, W] → planar [C, H, W] in [0, 1], replicated into 3 channels when asked. */
  static float[] fromGrayBytes(byte[] gray, int plane, int channels) {
    float[] out = new float[channels * plane];
    for (int i = 0; i < plane; i++) {
      out[i] = UNIT[gray[i] & 0xFF];
    }
    for (int c = 1; c < channels; c++) {
      System.arraycopy(out, 0, out, c * plane, plane);
    }
    return out;
  }

  /** {@code v / 255f} for every 8-bit v: the same values as the division, without one per pixel. */
  private static final float[] UNIT = new float[256];

  static {
    for (int v = 0; v < 256; v++) {
      UNIT[v] = v / 255f;
    }
  }

  private static void readBgrBytes(byte[] data, float[] out, int plane, int channels) {
    if (channels == 1) {
      for (int i = 0, o = 0; i < plane; i++, o += 3) {
        out[i] = luma(data[o + 2] & 0xFF, data[o + 1] & 0xFF, data[o] & 0xFF);
      }
      return;
    }
    int g = plane;
    int b = 2 * plane;
    for (int i = 0, o = 0; i < plane; i++, o += 3) {
      out[i] = UNIT[data[o + 2] & 0xFF];
      out[g + i] = UNIT[data[o + 1] & 0xFF];
      out[b + i] = UNIT[data[o] & 0xFF];
    }
  }

  private static void store(float[] out, int i, int plane, int channels, int r, int g, int b) {
    if (channels == 1) {
      out[i] = luma(r, g, b);
    } else {
      out[i] = r / 255f;
      out[plane + i] = g / 255f;
      out[2 * plane + i] = b / 255f;
    }
  }
}

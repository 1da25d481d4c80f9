package io.github.mae4j.torch.data;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;
import javax.imageio.ImageIO;

/** Writes small multi-band TIFF (through javax.imageio) and .npy files (byte by byte) for tests. */
public final class MultibandFiles {
  /** The value written at band b, row y, column x. */
  public interface Values {
    int at(int b, int y, int x);
  }

  private MultibandFiles() {}

  /** A color space of n generic components: what lets javax.imageio write an n-sample TIFF. */
  private static final class Bands extends ColorSpace {
    Bands(int n) {
      super(n == 1 ? ColorSpace.TYPE_GRAY : ColorSpace.TYPE_2CLR + n - 2, n);
    }

    @Override
    public float[] toRGB(float[] v) {
      return new float[] {v[0], v[0], v[0]};
    }

    @Override
    public float[] fromRGB(float[] v) {
      return new float[getNumComponents()];
    }

    @Override
    public float[] toCIEXYZ(float[] v) {
      return new float[3];
    }

    @Override
    public float[] fromCIEXYZ(float[] v) {
      return new float[getNumComponents()];
    }
  }

  /** A bands × h × w TIFF of uint8 ({@code bits} 8) or uint16 ({@code bits} 16) samples. */
  public static Path tiff(Path file, int bands, int h, int w, int bits, Values v) throws IOException {
    int type = bits == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT;
    ComponentColorModel cm = new ComponentColorModel(new Bands(bands), false, false, Transparency.OPAQUE, type);
    WritableRaster r = cm.createCompatibleWritableRaster(w, h);
    for (int b = 0; b < bands; b++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          r.setSample(x, y, b, v.at(b, y, x));
        }
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!ImageIO.write(new BufferedImage(cm, r, false, null), "tiff", file.toFile())) {
      throw new IOException("no TIFF writer");
    }
    return file;
  }

  /**
   * A .npy file (version 1) of {@code descr} ({@code '<u2'}, {@code '|u1'}, {@code '<f4'}, …) and {@code shape},
   * value i (in C order) = {@code value.applyAsInt(i)}; {@code fortran} stores it first index fastest.
   */
  public static Path npy(Path file, String descr, int[] shape, boolean fortran, IntUnaryOperator value)
      throws IOException {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    int item = Integer.parseInt(descr.substring(2));
    StringBuilder sh = new StringBuilder("(");
    for (int s : shape) {
      sh.append(s).append(", ");
    }
    String header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
        + (shape.length == 1 ? sh : sh.substring(0, sh.length() - 2)) + "), }";
    int total = 10 + header.length() + 1;
    header += " ".repeat((64 - total % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + n * item)
        .order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length());
    b.order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (int k = 0; k < n; k++) {
      int c = fortran ? cIndexOfFortran(k, shape) : k;
      int v = value.applyAsInt(c);
      switch (descr.substring(1)) {
        case "u1" -> b.put((byte) v);
        case "u2", "i2" -> b.putShort((short) v);
        case "f4" -> b.putFloat(v);
        case "f8" -> b.putDouble(v);
        default -> throw new IllegalArgumentException(descr);
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, b.array());
    return file;
  }

  /** The C-order index of the element stored k-th in Fortran order. */
  private static int cIndexOfFortran(int k, int[] shape) {
    int[] idx = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      idx[i] = k % shape[i];
      k /= shape[i];
    }
    int c = 0;
    for (int i = 0; i < shape.length; i++) {
      c = c * shape[i] + idx[i];
    }
    return c;
  }
}

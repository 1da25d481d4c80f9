package io.github.mae4j.torch.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} array of uint8, int16, uint16, float32 or float64 values, read into floats.
 *
 * <p>Why a reader of our own: the format is NumPy's NEP 1 (a magic string, a version, a header that is a Python dict
 * literal with {@code descr}, {@code fortran_order} and {@code shape}, then the raw values), unchanged since 2007
 * except for a longer header length field (version 2) and UTF-8 headers (version 3); reading it takes a page of
 * code, whereas the Java libraries that read it bring a native or a large dependency for that page.
 *
 * <p>Only little-endian (or single-byte) data is read: {@code '<u2'}, {@code '|u1'}, {@code '<f4'}, … A big-endian
 * array, another type (complex, object, int32, …) or a header this reader does not understand is an
 * {@link IOException} that names the file and what it found.
 *
 * @param shape the array's shape, outermost dimension first (C order), whatever order the file stores
 * @param dtype NumPy's type code without the byte-order mark: {@code u1}, {@code i2}, {@code u2}, {@code f4},
 *     {@code f8}
 * @param values the values in C order (last index fastest), not scaled
 */
record NpyArray(int[] shape, String dtype, float[] values) {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /**
   * Parses {@code bytes}, the whole file; {@code name} is used in messages.
   *
   * @param maxValues the most values accepted (a guard against a header announcing a huge array)
   * @throws IOException naming the file for anything this reader does not read, or a file shorter than its header
   *     announces
   */
  static NpyArray parse(byte[] bytes, String name, long maxValues) throws IOException {
    if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
      throw new IOException("cannot read " + name + ": not a NumPy .npy file (no \\x93NUMPY magic)");
    }
    int major = bytes[6] & 0xFF;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen;
    int start;
    if (major == 1) {
      headerLen = b.getShort(8) & 0xFFFF;
      start = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new IOException("cannot read " + name + ": truncated .npy header");
      }
      headerLen = b.getInt(8) & 0xFFFFFFFFL;
      start = 12;
    } else {
      throw new IOException("cannot read " + name + ": .npy format version " + major + " (versions 1 to 3 are read)");
    }
    if (start + headerLen > bytes.length) {
      throw new IOException("cannot read " + name + ": truncated .npy header");
    }
    String header = new String(bytes, start, (int) headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw new IOException("cannot read " + name + ": .npy header without descr, fortran_order and shape: "
          + header.strip());
    }
    String descr = d.group(1);
    String dtype = dtypeOf(descr, name);
    int[] shape = shapeOf(s.group(1), name);
    long count = 1;
    for (int n : shape) {
      count *= n;
      if (count > maxValues) {
        throw new IOException(String.format(Locale.ROOT, "image too large: %s has shape %s, more than the limit of "
            + "%d values (a decompression-bomb guard; raise it with -D%s=N)", name, Arrays.toString(shape),
            maxValues, ImageDecoder.MAX_PIXELS_PROPERTY));
      }
    }
    int item = Integer.parseInt(dtype.substring(1));
    long dataStart = start + headerLen;
    if (dataStart + count * item > bytes.length) {
      throw new IOException("truncated .npy file " + name + ": shape " + Arrays.toString(shape) + " of " + descr
          + " needs " + count * item + " bytes of data, the file holds " + (bytes.length - dataStart));
    }
    float[] raw = new float[(int) count];
    int p = (int) dataStart;
    for (int i = 0; i < raw.length; i++, p += item) {
      raw[i] = switch (dtype) {
        case "u1" -> bytes[p] & 0xFF;
        case "i2" -> b.getShort(p);
        case "u2" -> b.getShort(p) & 0xFFFF;
        case "f4" -> b.getFloat(p);
        default -> (float) b.getDouble(p); // f8
      };
    }
    boolean fortran = f.group(1).equals("True");
    return new NpyArray(shape, dtype, fortran ? fromFortranOrder(raw, shape) : raw);
  }

  private static String dtypeOf(String descr, String name) throws IOException {
    if (descr.length() == 3 && (descr.charAt(0) == '<' || descr.charAt(0) == '|' || descr.charAt(0) == '=')) {
      String t = descr.substring(1);
      if (t.equals("u1") || t.equals("i2") || t.equals("u2") || t.equals("f4") || t.equals("f8")) {
        if (descr.charAt(0) == '|' && !t.equals("u1")) {
          throw new IOException("cannot read " + name + ": dtype '" + descr + "' has no byte order");
        }
        return t;
      }
    }
    if (descr.startsWith(">")) {
      throw new IOException("cannot read " + name + ": its values are big-endian ('" + descr + "'); save them "
          + "little-endian (numpy: arr.astype('<" + descr.substring(1) + "'))");
    }
    throw new IOException("cannot read " + name + ": dtype '" + descr + "' is not one of uint8, int16, uint16, "
        + "float32, float64 (little-endian: '|u1', '<i2', '<u2', '<f4', '<f8')");
  }

  private static int[] shapeOf(String text, String name) throws IOException {
    String[] parts = Arrays.stream(text.split(",")).map(String::strip).filter(t -> !t.isEmpty())
        .toArray(String[]::new);
    int[] shape = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        shape[i] = Integer.parseInt(parts[i].replace("L", ""));
      } catch (NumberFormatException e) {
        throw new IOException("cannot read " + name + ": .npy shape (" + text + ") is not a tuple of integers");
      }
      if (shape[i] < 1) {
        throw new IOException("cannot read " + name + ": .npy shape (" + text + ") has an empty dimension");
      }
    }
    return shape;
  }

  /** Values stored first index fastest → C order (last index fastest). */
  private static float[] fromFortranOrder(float[] f, int[] shape) {
    float[] c = new float[f.length];
    int n = shape.length;
    int[] idx = new int[n];
    for (int k = 0; k < c.length; k++) { // k walks C order; idx is its multi-index
      int fortran = 0;
      for (int i = n - 1; i >= 0; i--) {
        fortran = fortran * shape[i] + idx[i];
      }
      c[k] = f[fortran];
      for (int i = n - 1; i >= 0 && ++idx[i] == shape[i]; i--) {
        idx[i] = 0;
      }
    }
    return c;
  }
}

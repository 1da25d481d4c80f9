package io.github.mae4j.torch.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An unsigned-byte IDX file (the MNIST / Fashion-MNIST format), plain or gzipped (detected by content).
 *
 * <p>Layout: two zero bytes, a type byte ({@code 0x08} = unsigned byte, the only type read here), a dimension
 * count, that many big-endian int32 sizes, then the data row-major. The data length must equal the product of
 * the sizes exactly.
 *
 * @param path where it was read from
 * @param dims sizes, outermost first ({@code [N, H, W]} for images, {@code [N]} for labels)
 * @param data the values, row-major, unsigned (read with {@code & 0xFF})
 */
public record IdxFile(Path path, int[] dims, byte[] data) {
  private static final int TYPE_UBYTE = 0x08;

  /**
   * Reads an IDX file.
   *
   * @throws IllegalArgumentException when the file is missing, has a bad magic number, an unsupported type, or
   *     a length that does not match its dimensions (the message names the path, expected and actual)
   * @throws IOException when reading fails
   */
  public static IdxFile read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("IDX file not found: " + path);
    }
    byte[] bytes = readMaybeGzipped(path);
    if (bytes.length < 4) {
      throw new IllegalArgumentException(
          "not an IDX file (" + bytes.length + " bytes, need at least a 4-byte header): " + path);
    }
    if (bytes[0] != 0 || bytes[1] != 0) {
      throw new IllegalArgumentException(String.format(
          "not an IDX file: magic must start with 0x0000, got 0x%02X%02X in %s", bytes[0], bytes[1], path));
    }
    int type = bytes[2] & 0xFF;
    if (type != TYPE_UBYTE) {
      throw new IllegalArgumentException(String.format(
          "unsupported IDX data type 0x%02X in %s (only 0x08 unsigned byte is read)", type, path));
    }
    int rank = bytes[3] & 0xFF;
    int header = 4 + 4 * rank;
    if (rank < 1 || bytes.length < header) {
      throw new IllegalArgumentException("IDX header of " + path + " declares " + rank
          + " dimensions but the file has " + bytes.length + " bytes (header needs " + header + ")");
    }
    int[] dims = new int[rank];
    long expected = 1;
    for (int i = 0; i < rank; i++) {
      int o = 4 + 4 * i;
      dims[i] = ((bytes[o] & 0xFF) << 24) | ((bytes[o + 1] & 0xFF) << 16) | ((bytes[o + 2] & 0xFF) << 8)
          | (bytes[o + 3] & 0xFF);
      if (dims[i] < 0) {
        throw new IllegalArgumentException("IDX dimension " + i + " of " + path + " is negative: " + dims[i]);
      }
      expected *= dims[i];
    }
    long actual = bytes.length - (long) header;
    if (actual != expected) {
      throw new IllegalArgumentException("IDX file " + path + " with dimensions " + Arrays.toString(dims)
          + " needs " + expected + " data bytes but has " + actual
          + (actual < expected ? " (truncated)" : " (trailing bytes)"));
    }
    return new IdxFile(path, dims, Arrays.copyOfRange(bytes, header, bytes.length));
  }

  /** Number of items (the first dimension). */
  public int count() {
    return dims[0];
  }

  /** Unsigned value at flat position {@code i}. */
  public int unsigned(long i) {
    return data[Math.toIntExact(i)] & 0xFF;
  }

  private static byte[] readMaybeGzipped(Path path) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      boolean gzip = b0 == 0x1f && b1 == 0x8b;
      if (!gzip) {
        return raw.readAllBytes();
      }
      try (InputStream in = new GZIPInputStream(raw, 1 << 16)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        in.transferTo(out);
        return out.toByteArray();
      } catch (java.io.EOFException e) {
        throw new IllegalArgumentException("gzipped IDX file is truncated: " + path, e);
      }
    }
  }

  @Override
  public String toString() {
    return "IdxFile[" + path + ", dims " + Arrays.toString(dims) + "]";
  }
}

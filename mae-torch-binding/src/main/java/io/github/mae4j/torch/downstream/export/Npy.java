package io.github.mae4j.torch.downstream.export;

import io.github.mae4j.torch.downstream.internal.Tensors;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes tensors as NumPy {@code .npy} files (format version 1.0, C order, little-endian), readable with
 * {@code numpy.load}: float32 tensors as {@code <f4}, int64 as {@code <i8}.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

  private Npy() {}

  /** The header dictionary padded with spaces and a newline so that data starts at a multiple of 64 bytes. */
  static byte[] header(String descr, long[] shape) {
    String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims
        + (shape.length == 1 ? "," : "") + "), }";
    int unpadded = MAGIC.length + 2 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    return (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** Writes a float32 tensor (any shape; converted to float32 if needed). */
  public static void writeFloats(Path file, Tensor t) throws IOException {
    float[] v = Tensors.toFloatArray(t);
    ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    write(file, "<f4", t.shape(), buf.array());
  }

  /** Writes an int64 tensor (e.g. labels). */
  public static void writeLongs(Path file, Tensor t) throws IOException {
    long[] v = Tensors.toLongArray(t);
    ByteBuffer buf = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(v);
    write(file, "<i8", t.shape(), buf.array());
  }

  private static void write(Path file, String descr, long[] shape, byte[] data) throws IOException {
    byte[] h = header(descr, shape);
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    try (OutputStream os = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
      out.write(MAGIC);
      out.write(h.length & 0xFF);
      out.write((h.length >> 8) & 0xFF);
      out.write(h);
      out.write(data);
    }
  }
}

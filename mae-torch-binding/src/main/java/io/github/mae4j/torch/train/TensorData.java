package io.github.mae4j.torch.train;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A tensor's values copied to the Java heap: dtype, shape and little-endian bytes. Checkpoints hold these, so
 * that a checkpoint has no native lifetime.
 *
 * @param dtype the libtorch scalar type name, e.g. {@code Float}
 * @param shape the sizes
 * @param bytes the contiguous values in native (little-endian) order
 */
public record TensorData(String dtype, long[] shape, byte[] bytes) {

  /** Copies a tensor (any device) to the heap. */
  public static TensorData of(Tensor t) {
    try (Tensor d = t.detach();
        Tensor cpu = d.to(new Device(torch.DeviceType.CPU), d.scalar_type());
        Tensor c = cpu.contiguous()) {
      long n = c.nbytes();
      if (n > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("tensor of " + n + " bytes is too large for one checkpoint entry");
      }
      byte[] bytes = new byte[(int) n];
      if (n > 0) {
        new BytePointer(c.data_ptr()).capacity(n).get(bytes);
      }
      return new TensorData(c.scalar_type().toString(), shapeOf(c), bytes);
    }
  }

  /** The sizes of {@code t}. */
  public static long[] shapeOf(Tensor t) {
    long[] shape = new long[(int) t.dim()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = t.size(i);
    }
    return shape;
  }

  /** A new CPU tensor holding these values. */
  public Tensor toTensor() {
    ScalarType type = ScalarType.valueOf(dtype);
    Tensor t = torch.empty(shape, new TensorOptions(type), new MemoryFormatOptional());
    if (t.nbytes() != bytes.length) {
      t.close();
      throw new IllegalArgumentException("tensor data of dtype " + dtype + " shape " + Arrays.toString(shape)
          + " needs " + t.nbytes() + " bytes, got " + bytes.length);
    }
    if (bytes.length > 0) {
      new BytePointer(t.data_ptr()).capacity(bytes.length).put(bytes);
    }
    return t;
  }

  /** Number of elements. */
  public long numel() {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorData d && dtype.equals(d.dtype) && Arrays.equals(shape, d.shape)
        && Arrays.equals(bytes, d.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "TensorData[" + dtype + " " + Arrays.toString(shape) + "]";
  }
}

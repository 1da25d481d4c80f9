package io.github.mae4j.torch.run;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
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

  /**
   * Copies saved values into live tensors of the same names (in place, without autograd). Names and shapes must
   * match exactly; nothing is copied when they do not.
   *
   * @param what the receiver in messages, e.g. {@code "the model"}
   * @throws IllegalArgumentException naming the missing and unexpected names, or the first tensor whose shape differs
   */
  public static void copyInto(Map<String, Tensor> live, Map<String, TensorData> saved, String what) {
    if (!live.keySet().equals(saved.keySet())) {
      Set<String> missing = new TreeSet<>(live.keySet());
      missing.removeAll(saved.keySet());
      Set<String> unexpected = new TreeSet<>(saved.keySet());
      unexpected.removeAll(live.keySet());
      throw new IllegalArgumentException("checkpoint does not match " + what + ": missing " + missing
          + ", unexpected " + unexpected);
    }
    for (Map.Entry<String, Tensor> e : live.entrySet()) {
      long[] shape = shapeOf(e.getValue());
      long[] got = saved.get(e.getKey()).shape();
      if (!Arrays.equals(shape, got)) {
        throw new IllegalArgumentException("checkpoint tensor " + e.getKey() + " has shape " + Arrays.toString(got)
            + ", " + what + " expects " + Arrays.toString(shape));
      }
    }
    try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : live.entrySet()) {
        e.getValue().copy_(saved.get(e.getKey()).toTensor());
      }
    }
  }

  /** Copies every tensor of {@code tensors} to the heap, keeping the order. */
  public static Map<String, TensorData> ofAll(Map<String, Tensor> tensors) {
    Map<String, TensorData> out = new java.util.LinkedHashMap<>();
    try (PointerScope ignored = new PointerScope()) {
      tensors.forEach((k, v) -> out.put(k, of(v)));
    }
    return out;
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

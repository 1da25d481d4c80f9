package io.github.mae4j.torch.internal;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Copies between small tensors and Java arrays (tests, masks, diagnostics); not for hot paths. */
public final class TensorData {
  private TensorData() {}

  /** Any tensor → its values as float, row-major (copied to the CPU and converted). */
  public static float[] toFloatArray(Tensor t) {
    Tensor c = t.detach().to(new org.bytedeco.pytorch.Device(torch.DeviceType.CPU), ScalarType.Float).contiguous();
    float[] out = new float[(int) c.numel()];
    if (out.length > 0) {
      new FloatPointer(c.data_ptr()).capacity(out.length).get(out);
    }
    return out;
  }

  /** Any tensor → its values as double, row-major. */
  public static double[] toDoubleArray(Tensor t) {
    Tensor c = t.detach().to(new org.bytedeco.pytorch.Device(torch.DeviceType.CPU), ScalarType.Double).contiguous();
    double[] out = new double[(int) c.numel()];
    if (out.length > 0) {
      new DoublePointer(c.data_ptr()).capacity(out.length).get(out);
    }
    return out;
  }

  /** Any integer tensor → its values as long, row-major. */
  public static long[] toLongArray(Tensor t) {
    Tensor c = t.detach().to(new org.bytedeco.pytorch.Device(torch.DeviceType.CPU), ScalarType.Long).contiguous();
    long[] out = new long[(int) c.numel()];
    if (out.length > 0) {
      new LongPointer(c.data_ptr()).capacity(out.length).get(out);
    }
    return out;
  }

  /** values → a new CPU float tensor of the given shape (copied). */
  public static Tensor fromFloats(float[] values, long... shape) {
    try (FloatPointer p = new FloatPointer(values)) {
      return torch.from_blob(p, shape).clone();
    }
  }

  /** values → a new CPU int64 tensor of the given shape (copied). */
  public static Tensor fromLongs(long[] values, long... shape) {
    try (LongPointer p = new LongPointer(values)) {
      return torch.from_blob(p, shape, new org.bytedeco.pytorch.TensorOptions(ScalarType.Long)).clone();
    }
  }
}

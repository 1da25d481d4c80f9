package io.github.mae4j.torch.downstream.internal;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Small conversions between Java arrays and CPU tensors. Not public API. */
public final class Tensors {
  private Tensors() {}

  /** A float32 tensor of {@code shape} holding a copy of {@code values}. */
  public static Tensor floats(float[] values, long... shape) {
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    if (n != values.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values, got " + values.length);
    }
    return Tensor.create(values, shape);
  }

  /** An int64 tensor of {@code shape} holding a copy of {@code values}. */
  public static Tensor longs(long[] values, long... shape) {
    return Tensor.create(values, shape);
  }

  /** The values of {@code t} as float32, row-major. */
  public static float[] toFloatArray(Tensor t) {
    Tensor c = t.detach().to(ScalarType.Float).contiguous();
    float[] out = new float[(int) c.numel()];
    if (out.length > 0) {
      FloatBuffer b = c.createBuffer();
      b.get(out);
    }
    return out;
  }

  /** The values of {@code t} as int64, row-major. */
  public static long[] toLongArray(Tensor t) {
    Tensor c = t.detach().to(ScalarType.Long).contiguous();
    long[] out = new long[(int) c.numel()];
    if (out.length > 0) {
      LongBuffer b = c.createBuffer();
      b.get(out);
    }
    return out;
  }

  /** float32 options. */
  public static TensorOptions f32() {
    return new TensorOptions(ScalarType.Float);
  }

  /** Zeros of {@code shape}, float32. */
  public static Tensor zeros(long... shape) {
    return torch.zeros(shape, f32());
  }

  /** Uniform [0, 1) of {@code shape}, float32, from {@code g}. */
  public static Tensor rand(Generator g, long... shape) {
    return torch.empty(shape, f32(), new MemoryFormatOptional()).uniform_(0.0, 1.0, new GeneratorOptional(g));
  }

  /** Standard normal of {@code shape}, float32, from {@code g}. */
  public static Tensor randn(Generator g, long... shape) {
    return torch.empty(shape, f32(), new MemoryFormatOptional()).normal_(0.0, 1.0, new GeneratorOptional(g));
  }

  /** A scalar. */
  public static Scalar scalar(double v) {
    return new Scalar(v);
  }

  /** The shape of {@code t} as text, for messages. */
  public static String shape(Tensor t) {
    return Arrays.toString(t.shape());
  }
}

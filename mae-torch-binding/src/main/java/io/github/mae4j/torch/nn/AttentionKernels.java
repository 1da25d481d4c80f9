package io.github.mae4j.torch.nn;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.CpuInfo;
import io.github.mae4j.torch.internal.MeasuredChoices;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Which attention kernel the ViT blocks run, chosen by measurement on this machine.
 *
 * <p>Why: libtorch's {@code scaled_dot_product_attention} picks its CPU flash kernel, whose bf16 backward falls
 * back to a scalar GEMM on CPUs with AMX (measured: 28 % of an MAE bf16 step in that fallback), while attention
 * written out as {@code softmax(q kᵀ/√d) v} (timm 0.4.9) sends its two matmuls to oneDNN/BLAS. Which one is faster
 * depends on the CPU, the precision and the sequence length, so it is not hard-coded: the first time a shape is
 * seen, both kernels run forward (and backward, when gradients are on) on random inputs of that shape and the
 * faster is kept — SDPA unless the written-out form is at least {@value #MARGIN_PERCENT} % faster, so that noise
 * does not flip the choice. The choice is remembered per CPU model, libtorch version and shape by
 * {@link MeasuredChoices} (in {@code ~/.cache/mae4j}), so that every later run on this machine — a resumed one
 * included — computes the same kernel and the same numbers.
 *
 * <p>Forced with the system property {@code mae4j.attention} or the environment variable {@code MAE4J_ATTENTION}:
 * {@code sdpa}, {@code explicit} or {@code auto} (the default).
 */
public final class AttentionKernels {
  /** The two ways of computing {@code softmax(q kᵀ/√d) v}. */
  public enum Kernel {
    /** libtorch's {@code scaled_dot_product_attention} (flash kernel on the CPU). */
    SDPA,
    /** Written out as timm 0.4.9 does: {@code (q @ kᵀ) · scale}, softmax, {@code @ v}. */
    EXPLICIT
  }

  private static final int MARGIN_PERCENT = 10;
  private static final int REPS = 3;
  private static final Map<String, Kernel> CHOSEN = new ConcurrentHashMap<>();

  private AttentionKernels() {}

  /** The kernel forced by {@code mae4j.attention}/{@code MAE4J_ATTENTION}, or null for {@code auto}. */
  static Kernel forced() {
    String v = System.getProperty("mae4j.attention");
    if (v == null) {
      v = System.getenv("MAE4J_ATTENTION");
    }
    if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("auto")) {
      return null;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "sdpa" -> Kernel.SDPA;
      case "explicit" -> Kernel.EXPLICIT;
      default -> throw new IllegalArgumentException(
          "mae4j.attention/MAE4J_ATTENTION must be auto, sdpa or explicit, got '" + v + "'");
    };
  }

  /** Attention of q, k, v [B, heads, T, headDim] with the kernel chosen for their shape. */
  static Tensor attend(Tensor q, Tensor k, Tensor v) {
    return compute(kernelFor(q), q, k, v);
  }

  static Tensor compute(Kernel kernel, Tensor q, Tensor k, Tensor v) {
    if (kernel == Kernel.SDPA) {
      return torch.scaled_dot_product_attention(q, k, v);
    }
    double scale = 1.0 / Math.sqrt(q.size(3));
    return q.matmul(k.transpose(-2, -1)).mul(new org.bytedeco.pytorch.Scalar(scale)).softmax(-1).matmul(v);
  }

  /** The kernel used for inputs shaped like {@code q}; measures (once per shape) when none is forced. */
  static Kernel kernelFor(Tensor q) {
    Kernel forced = forced();
    if (forced != null) {
      return forced;
    }
    boolean grad = GradMode.is_enabled();
    DeviceType device = q.device().type();
    boolean autocast = torch.is_autocast_enabled(device);
    String key = key(device, q.scalar_type(), autocast, grad, q.size(0), q.size(1), q.size(2), q.size(3));
    return CHOSEN.computeIfAbsent(key, kk -> Kernel.valueOf(
        MeasuredChoices.choose("attention " + kk, List.of(Kernel.SDPA.name(), Kernel.EXPLICIT.name()),
            () -> measure(q, grad).name())));
  }

  /** Every choice made in this process, by shape key (for logs and benchmarks). */
  public static Map<String, Kernel> chosen() {
    return new TreeMap<>(CHOSEN);
  }

  static String key(DeviceType device, ScalarType dtype, boolean autocast, boolean grad, long b, long h, long t,
      long d) {
    return String.format(Locale.ROOT, "%s|torch %s|%s %s%s %s|B%d H%d T%d d%d",
        CpuInfo.read().model().replace('=', ' ').replace(':', ' '), Torch.libtorchVersion(), device, dtype,
        autocast ? " autocast" : "", grad ? "train" : "infer", b, h, t, d);
  }

  private static Kernel measure(Tensor like, boolean grad) {
    double sdpa;
    double explicit;
    try (PointerScope scope = new PointerScope()) {
      TensorOptions o = like.options().requires_grad(new org.bytedeco.pytorch.BoolOptional(false));
      long[] shape = {like.size(0), like.size(1), like.size(2), like.size(3)};
      Tensor q = torch.randn(shape, o).requires_grad_(grad);
      Tensor k = torch.randn(shape, o).requires_grad_(grad);
      Tensor v = torch.randn(shape, o).requires_grad_(grad);
      // warm both, then alternate so that a load change hits both alike; keep each kernel's best time
      time(Kernel.SDPA, q, k, v, grad);
      time(Kernel.EXPLICIT, q, k, v, grad);
      sdpa = Double.MAX_VALUE;
      explicit = Double.MAX_VALUE;
      for (int i = 0; i < REPS; i++) {
        sdpa = Math.min(sdpa, time(Kernel.SDPA, q, k, v, grad));
        explicit = Math.min(explicit, time(Kernel.EXPLICIT, q, k, v, grad));
      }
    }
    return explicit * (100 + MARGIN_PERCENT) / 100 < sdpa ? Kernel.EXPLICIT : Kernel.SDPA;
  }

  private static double time(Kernel kernel, Tensor q, Tensor k, Tensor v, boolean grad) {
    try (PointerScope scope = new PointerScope()) {
      long t0 = System.nanoTime();
      Tensor out = compute(kernel, q, k, v);
      if (grad) {
        out.sum().backward();
      } else {
        out.sum().item_float();
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }
}

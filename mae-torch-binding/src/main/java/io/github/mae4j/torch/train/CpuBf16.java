package io.github.mae4j.torch.train;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.CpuInfo;
import io.github.mae4j.torch.internal.MeasuredChoices;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Whether bf16 autocast pays on this CPU. On CPUs without AMX or AVX-512 BF16, libtorch computes bf16 matmuls by
 * converting to fp32 and back, so a bf16 step is slower than an fp32 one: asking for bf16 there must not cost the
 * user time. The answer comes from timing the linear layers' matmul shape of a ViT-B block (tokens × 768 by
 * 768 × 3072) in both precisions; bf16 is used when it is at least as fast, and the answer is remembered per CPU
 * model and libtorch version ({@link MeasuredChoices}). {@code mae4j.cpuBf16=force} (or {@code MAE4J_CPU_BF16})
 * keeps bf16 regardless, {@code measure} (the default) decides.
 */
public final class CpuBf16 {
  /** The outcome: which precision runs, and why (one line for the run's output). */
  public record Decision(Precision precision, String reason) {}

  private CpuBf16() {}

  /** The precision to run when {@code requested} is asked for on the CPU. */
  public static Decision decide(Precision requested) {
    if (requested != Precision.BF16) {
      return new Decision(requested, "");
    }
    String setting = System.getProperty("mae4j.cpuBf16", System.getenv().getOrDefault("MAE4J_CPU_BF16", "measure"));
    if (setting.equalsIgnoreCase("force")) {
      return new Decision(Precision.BF16, "mae4j.cpuBf16=force");
    }
    if (!setting.equalsIgnoreCase("measure")) {
      throw new IllegalArgumentException("mae4j.cpuBf16/MAE4J_CPU_BF16 must be measure or force, got '" + setting
          + "'");
    }
    Torch.load();
    CpuInfo cpu = CpuInfo.read();
    double[] rates = new double[2];
    String key = "cpu bf16 matmul at least as fast as fp32|" + cpu.model() + "|torch " + Torch.libtorchVersion();
    String answer = MeasuredChoices.choose(key, List.of("bf16", "fp32"), () -> {
      rates[0] = gflops(ScalarType.Float);
      rates[1] = gflops(ScalarType.BFloat16);
      return rates[1] >= rates[0] ? "bf16" : "fp32";
    });
    String measured = rates[0] > 0
        ? String.format(Locale.ROOT, " (measured now: bf16 %.0f GFLOP/s, fp32 %.0f GFLOP/s)", rates[1], rates[0])
        : " (measured earlier on this machine: delete " + MeasuredChoices.file() + " to measure again)";
    if (answer.equals("bf16")) {
      return new Decision(Precision.BF16, "bf16 matmuls are at least as fast as fp32 on " + cpu.model() + measured);
    }
    return new Decision(Precision.FP32, "bf16 was asked for, but on " + cpu.model() + " (amx_bf16="
        + (cpu.amxBf16() ? "yes" : "no") + ") bf16 matmuls are slower than fp32" + measured
        + ": running fp32 (mae4j.cpuBf16=force keeps bf16)");
  }

  private static double gflops(ScalarType dtype) {
    long m = 1576; // 8 images × 197 tokens
    long k = 768;
    long n = 3072;
    try (PointerScope scope = new PointerScope()) {
      Tensor a = torch.randn(m, k).to(dtype);
      Tensor b = torch.randn(k, n).to(dtype);
      a.matmul(b);
      double best = Double.MAX_VALUE;
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        a.matmul(b);
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
      return 2.0 * m * k * n / best / 1e9;
    }
  }
}

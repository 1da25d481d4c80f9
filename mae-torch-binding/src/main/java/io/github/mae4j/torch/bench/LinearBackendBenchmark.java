package io.github.mae4j.torch.bench;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.CpuInfo;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * An fp32 linear layer of ViT-B's MLP (tokens × 768 by 768 × 3072, with bias) through the two GEMM engines this
 * libtorch has on the CPU: {@code linear} (OpenBLAS, on OpenBLAS's threads) against oneDNN's {@code mkldnn_linear}
 * (on ATen's threads, the input converted to oneDNN's layout and the output back, as a model would have to), the
 * same thread count each, alternating; GFLOP/s of each and their largest difference.
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --enable-native-access=ALL-UNNAMED \
 *   -cp mae-torch-binding/target/classes:mae-api/target/classes:$(cat mae-torch-binding/target/cp.txt) \
 *   io.github.mae4j.torch.bench.LinearBackendBenchmark [threads=cores] [tokens=1576] [rounds=3]
 * </pre>
 */
public final class LinearBackendBenchmark {
  private LinearBackendBenchmark() {}

  public static void main(String[] args) {
    Torch.load();
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
    long tokens = args.length > 1 ? Long.parseLong(args[1]) : 1576; // 8 images × 197 tokens
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    long in = 768;
    long out = 3072;
    int calls = 10;
    System.out.println("cpu: " + CpuInfo.read());
    System.out.printf(Locale.ROOT, "fp32 linear %d x %d by %d x %d, %d threads, load average %s%n", tokens, in, in,
        out, threads, StepBenchmark.loadAverage());
    int atenBefore = Torch.atenThreads();
    int blasBefore = Torch.blasThreads();
    try (PointerScope scope = new PointerScope()) {
      Tensor x = torch.randn(tokens, in);
      Tensor w = torch.randn(out, in);
      TensorOptional b = new TensorOptional(torch.randn(out));
      double flop = 2.0 * tokens * in * out * calls;
      for (int r = 0; r < rounds + 1; r++) { // the first round warms both up and is not printed
        Torch.setThreads(1, threads);
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          try (PointerScope s = new PointerScope()) {
            torch.linear(x, w, b);
          }
        }
        long t1 = System.nanoTime();
        Torch.setThreads(threads, 1);
        long t2 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          try (PointerScope s = new PointerScope()) {
            torch.mkldnn_linear(x.to_mkldnn(), w, b).to_dense();
          }
        }
        long t3 = System.nanoTime();
        double diff;
        try (PointerScope s = new PointerScope()) {
          Tensor a = torch.linear(x, w, b);
          Tensor c = torch.mkldnn_linear(x.to_mkldnn(), w, b).to_dense();
          diff = a.sub(c).abs().max().item_double();
        }
        if (r > 0) {
          System.out.printf(Locale.ROOT, "round %d: openblas %.1f GFLOP/s, onednn %.1f GFLOP/s (with the layout "
              + "conversions), largest difference %.2e%n", r, flop / (t1 - t0), flop / (t3 - t2), diff);
        }
      }
    } finally {
      Torch.setThreads(atenBefore, blasBefore);
    }
  }
}

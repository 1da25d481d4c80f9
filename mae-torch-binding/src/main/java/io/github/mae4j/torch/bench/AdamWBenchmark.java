package io.github.mae4j.torch.bench;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.AdamWFactory;
import io.github.mae4j.torch.internal.CpuInfo;
import io.github.mae4j.torch.internal.TrainingAdamW;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.ParameterGroups;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One AdamW update of a ViT-B/16 MAE's parameters (112 M in 252 tensors, two groups as pretraining makes them):
 * libtorch's C++ AdamW against the fused kernel, alternating, wall time and the calling thread's CPU time (ATen
 * runs this update on the calling thread at one ATen thread, so CPU time stays meaningful on a loaded machine).
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --enable-native-access=ALL-UNNAMED \
 *   -cp mae-torch-binding/target/classes:mae-api/target/classes:$(cat mae-torch-binding/target/cp.txt) \
 *   io.github.mae4j.torch.bench.AdamWBenchmark [rounds=3] [updates=5]
 * </pre>
 */
public final class AdamWBenchmark {
  private AdamWBenchmark() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int updates = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Torch.load();
    System.out.println("cpu: " + CpuInfo.read());
    System.out.printf(Locale.ROOT, "threads: aten=%d openblas=%d; load average %s%n", Torch.atenThreads(),
        Torch.blasThreads(), StepBenchmark.loadAverage());
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    String before = System.getProperty("mae4j.adamw");
    try (MaskedAutoencoder model = MaskedAutoencoder.create(MaeConfig.vitB16(), 0)) {
      ParameterGroups groups = model.parameterGroups();
      List<Tensor> all = new java.util.ArrayList<>();
      groups.decay().forEach(p -> all.add(p.tensor()));
      groups.noDecay().forEach(p -> all.add(p.tensor()));
      long count = all.stream().mapToLong(Tensor::numel).sum();
      try (PointerScope ignored = new PointerScope()) {
        for (Tensor p : all) {
          p.mutable_grad().put(torch.randn(p.sizes().vec().get()).mul_(new org.bytedeco.pytorch.Scalar(1e-3)));
        }
        System.out.printf(Locale.ROOT, "parameters: %d in %d tensors%n", count, all.size());
        for (String kind : List.of("libtorch", "fused")) {
          System.setProperty("mae4j.adamw", kind);
          try (TrainingAdamW opt = StepBenchmark.optimizer(groups)) {
            opt.step(); // state created
          }
        }
        double[] bestWall = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] bestCpu = {Double.MAX_VALUE, Double.MAX_VALUE};
        String[] kinds = {"libtorch", "fused"};
        for (int r = 0; r < rounds; r++) {
          for (int k = 0; k < 2; k++) {
            System.setProperty("mae4j.adamw", kinds[k]);
            try (TrainingAdamW opt = StepBenchmark.optimizer(groups)) {
              opt.step(); // warm: state allocated, pages touched
              long c0 = mx.getCurrentThreadCpuTime();
              long t0 = System.nanoTime();
              for (int u = 0; u < updates; u++) {
                opt.step();
              }
              double wall = (System.nanoTime() - t0) / 1e9 / updates;
              double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9 / updates;
              bestWall[k] = Math.min(bestWall[k], wall);
              bestCpu[k] = Math.min(bestCpu[k], cpu);
              System.out.printf(Locale.ROOT, "round %d %-8s %.3f s/update wall, %.3f s CPU of this thread,"
                  + " %.1f GB/s (7 float streams)%n", r, kinds[k], wall, cpu, 7.0 * 4 * count / wall / 1e9);
            }
          }
        }
        System.out.printf(Locale.ROOT, "best: libtorch %.3f s wall / %.3f s CPU, fused %.3f s wall / %.3f s CPU;"
            + " fused is %.2fx (wall), %.2fx (CPU)%n", bestWall[0], bestCpu[0], bestWall[1], bestCpu[1],
            bestWall[0] / bestWall[1], bestCpu[0] / bestCpu[1]);
      }
    } finally {
      if (before == null) {
        System.clearProperty("mae4j.adamw");
      } else {
        System.setProperty("mae4j.adamw", before);
      }
    }
  }
}

package io.github.mae4j.torch.bench;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.AdamWFactory;
import io.github.mae4j.torch.internal.TrainingAdamW;
import io.github.mae4j.torch.internal.CpuInfo;
import io.github.mae4j.torch.MallocTuning;
import io.github.mae4j.torch.nn.AttentionKernels;
import io.github.mae4j.torch.nn.MaeOutput;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.ParameterGroups;
import io.github.mae4j.torch.train.CoreShards;
import io.github.mae4j.torch.train.MaeModels;
import io.github.mae4j.torch.train.PretrainModel;
import io.github.mae4j.torch.train.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One MAE pre-training step (forward, backward, AdamW) of ViT-B/16 at 224 px on the CPU: s/step, images/s and
 * achieved GFLOP/s (forward FLOPs × 3 per image) against an fp32 2048² matmul ceiling measured in the same run;
 * then the same step with the encoder taking mask tokens, and with bf16 autocast.
 *
 * <p>Run (repository root; JDK 25):
 * <pre>
 * ./mvnw -q -B -pl mae-torch-binding -am compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --enable-native-access=ALL-UNNAMED \
 *   -cp mae-torch-binding/target/classes:mae-api/target/classes:$(cat mae-torch-binding/target/cp.txt) \
 *   io.github.mae4j.torch.bench.StepBenchmark [batch=8] [steps=3] [warmup=1]
 * </pre>
 * Threads follow {@link Torch#load()} (ATen 1, OpenBLAS all cores; override with MAE4J_THREADS /
 * MAE4J_BLAS_THREADS).
 */
public final class StepBenchmark {
  private StepBenchmark() {}

  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].startsWith("--")) {
      single(args);
      return;
    }
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Torch.load();
    System.out.println("cpu: " + CpuInfo.read());
    System.out.println("load average before: " + loadAverage());
    System.out.printf(Locale.ROOT, "threads: aten=%d openblas=%d (openblas present: %s)%n", Torch.atenThreads(),
        Torch.blasThreads(), Torch.hasOpenBlas());
    double ceiling = matmulGflops(2048, 5);
    System.out.printf(Locale.ROOT, "fp32 matmul 2048^2 ceiling: %.1f GFLOP/s%n", ceiling);
    MaeConfig base = MaeConfig.vitB16();
    run("fp32", base, batch, steps, warmup, false, ceiling);
    run("fp32, encoder takes mask tokens", base.withEncoderTakesMaskTokens(true), batch, steps, warmup, false,
        ceiling);
    run("bf16 autocast", base, batch, steps, warmup, true, ceiling);
    System.out.println("load average after: " + loadAverage());
  }

  /**
   * One configuration, for tools/bench_side_by_side.sh: {@code --model vitb16|fmnist --precision fp32|bf16
   * --batch N --steps N --warmup N [--mask-tokens] [--rss]}; prints one {@code result} line the script reads.
   * {@code --rss} also prints the resident set size after step 50, every 100 steps and after the last step (flat
   * memory check: {@code --steps 1000}).
   */
  static void single(String[] args) {
    String model = "vitb16";
    String precision = "fp32";
    int batch = 8;
    int steps = 3;
    int warmup = 1;
    boolean maskTokens = false;
    boolean rss = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--model" -> model = args[++i];
        case "--precision" -> precision = args[++i];
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--mask-tokens" -> maskTokens = true;
        case "--rss" -> rss = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; expected --model vitb16|fmnist --precision fp32|bf16 --batch N --steps N --warmup N [--mask-tokens] [--rss]");
      }
    }
    MaeConfig config = switch (model) {
      case "vitb16" -> MaeConfig.vitB16();
      // the fashion-mnist-pretrain recipe's model (mae-recipes' SmallRecipes; this module cannot depend on it)
      case "fmnist" -> MaeConfig.builder().imageSize(28).patchSize(4).inChannels(1)
          .encoder(e -> e.embedDim(192).depth(4).numHeads(3)).decoder(d -> d.embedDim(128).depth(2).numHeads(4))
          .build();
      default -> throw new IllegalArgumentException("--model must be vitb16 or fmnist, got " + model);
    };
    if (!precision.equals("fp32") && !precision.equals("bf16")) {
      throw new IllegalArgumentException("--precision must be fp32 or bf16, got " + precision);
    }
    Torch.load();
    double fp32 = matmulGflops(2048, 5);
    double bf16 = matmulGflops(2048, 5, ScalarType.BFloat16);
    System.out.printf(Locale.ROOT, "matmul 2048^2 ceilings: fp32 %.1f GFLOP/s, bf16 %.1f GFLOP/s%n", fp32, bf16);
    rssReport = rss;
    double perStep = run(model + " " + precision + (maskTokens ? " mask tokens" : ""),
        config.withEncoderTakesMaskTokens(maskTokens), batch, steps, warmup, precision.equals("bf16"),
        precision.equals("bf16") ? bf16 : fp32);
    System.out.printf(Locale.ROOT, "result java %s %s batch %d: %.4f s/step%n", model, precision, batch, perStep);
    AttentionKernels.chosen().forEach((k, v) -> System.out.println("attention " + v + " for " + k));
  }

  static double matmulGflops(int n, int reps) {
    return matmulGflops(n, reps, ScalarType.Float);
  }

  static double matmulGflops(int n, int reps, ScalarType dtype) {
    try (PointerScope scope = new PointerScope()) {
      Tensor a = torch.randn(n, n).to(dtype);
      Tensor b = torch.randn(n, n).to(dtype);
      a.matmul(b);
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        a.matmul(b);
      }
      double s = (System.nanoTime() - t0) / 1e9 / reps;
      return 2.0 * n * n * n / s / 1e9;
    }
  }

  static double run(String label, MaeConfig config, int batch, int steps, int warmup, boolean bf16,
      double ceiling) {
    int atenBefore = bf16 ? Torch.atenThreadsForBf16() : Torch.atenThreads();
    try (MaskedAutoencoder model = MaskedAutoencoder.create(config, 0);
        TrainingAdamW opt = optimizer(model.parameterGroups())) {
      Generator masks = torch.createCPUGenerator(1);
      Tensor images = torch.rand(new long[] {batch, config.getInChannels(), config.getImageSize(),
          config.getImageSize()}, new GeneratorOptional(torch.createCPUGenerator(2)));
      // the trainer's decision: split each batch across the cores or run it whole (CoreShards; mae4j.cpuShards)
      PretrainModel view = MaeModels.pretrainable(model);
      Precision precision = bf16 ? Precision.BF16 : Precision.FP32;
      List<Tensor> trainable = new java.util.ArrayList<>(view.decayParameters());
      trainable.addAll(view.noDecayParameters());
      CoreShards.Decision decision = CoreShards.decide(view, images, precision, trainable, false);
      System.out.printf(Locale.ROOT, "%-34s cpu: %s%n", label, decision.reason().isEmpty() ? "batches run whole"
          : decision.reason());
      CoreShards split = decision.shards() > 1 ? CoreShards.create(decision.shards(), trainable) : null;
      double total = 0;
      double adamw = 0;
      float loss = 0;
      long faultsBefore = 0;
      double cpuBefore = processCpuSeconds();
      for (int i = 0; i < warmup + steps; i++) {
        long t0 = System.nanoTime();
        try (PointerScope scope = new PointerScope()) {
          opt.zeroGrad();
          MaeOutput out = null;
          if (split != null) {
            loss = (float) split.forwardBackward(view, images, model.sampleNoise(batch, masks), precision, 1.0)
                .loss();
          } else if (bf16) {
            torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
            torch.set_autocast_enabled(DeviceType.CPU, true);
            torch.increment_nesting();
            try {
              out = model.forward(images, masks);
            } finally {
              if (torch.decrement_nesting() == 0) {
                torch.clear_cache();
              }
              torch.set_autocast_enabled(DeviceType.CPU, false);
            }
          } else {
            out = model.forward(images, masks);
          }
          if (out != null) {
            out.loss().backward();
          }
          long a0 = System.nanoTime();
          opt.step();
          if (i >= warmup) {
            adamw += (System.nanoTime() - a0) / 1e9;
          }
          if (out != null) {
            loss = out.loss().item_float();
          }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (i >= warmup) {
          total += s;
        }
        if (rssReport && (i + 1 == RSS_EARLY_STEP || (i + 1) % RSS_EVERY == 0 || i + 1 == warmup + steps)) {
          long kib = residentKib();
          if (i + 1 == RSS_EARLY_STEP) {
            rssEarly = kib;
          }
          Runtime rt = Runtime.getRuntime();
          System.out.printf(Locale.ROOT, "rss after step %d: %.1f MiB%s; Java heap committed %.1f MiB (used %.1f)%n",
              i + 1, kib / 1024.0, rssEarly > 0 && i + 1 > RSS_EARLY_STEP
                  ? String.format(Locale.ROOT, " (%+.1f%% from step %d)", 100.0 * (kib - rssEarly) / rssEarly,
                      RSS_EARLY_STEP) : "", rt.totalMemory() / 1048576.0,
              (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        }
        if (i == warmup - 1) {
          faultsBefore = MallocTuning.minorFaults();
          cpuBefore = processCpuSeconds();
        }
      }
      if (split != null) {
        split.close();
      }
      long faultsPerStep = (MallocTuning.minorFaults() - faultsBefore) / steps;
      double cpuPerStep = (processCpuSeconds() - cpuBefore) / steps;
      double perStep = total / steps;
      double gflop = config.getForwardFlops() * 3.0 * batch / 1e9;
      System.out.printf(Locale.ROOT,
          "%-34s batch %d: %.3f s/step, %.2f images/s, %.1f GFLOP/s achieved (%.0f%% of the matmul ceiling),"
              + " %.0f GFLOP/step, loss %.4f%n",
          label, batch, perStep, batch / perStep, gflop / perStep, 100 * gflop / perStep / ceiling, gflop, loss);
      System.out.printf(Locale.ROOT, "%-34s threads: aten=%d openblas=%d; %d minor page faults per step (malloc"
          + " tuning %s); AdamW (%s) %.3f s of the step; process CPU %.3f s per step%n", "", Torch.atenThreads(),
          Torch.blasThreads(), faultsPerStep, MallocTuning.applied() ? "on" : "off", opt.kind(), adamw / steps,
          cpuPerStep);
      return perStep;
    } finally {
      Torch.setThreads(atenBefore, Torch.blasThreads());
    }
  }

  /** AdamW as pretraining builds it: lr 1.5e-4, betas (0.9, 0.95), weight decay 0.05 on weights, 0 on the rest. */
  static TrainingAdamW optimizer(ParameterGroups groups) {
    return TrainingAdamW.create(List.of(
        new AdamWFactory.Group(groups.decay().stream().map(p -> p.tensor()).toList(), 0.05),
        new AdamWFactory.Group(groups.noDecay().stream().map(p -> p.tensor()).toList(), 0.0)),
        new AdamWFactory.Hyper(1.5e-4, 0.9, 0.95, 1e-8));
  }

  private static final int RSS_EARLY_STEP = 50;
  /** With {@code --rss}, the resident set size is also printed every this many steps (leak or plateau). */
  private static final int RSS_EVERY = 100;
  private static boolean rssReport;
  private static long rssEarly;

  /** CPU time of this process, all threads, in seconds (what a loaded machine does not inflate, spinning aside). */
  static double processCpuSeconds() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  /** VmRSS of this process from /proc/self/status, KiB (0 where it cannot be read). */
  static long residentKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}

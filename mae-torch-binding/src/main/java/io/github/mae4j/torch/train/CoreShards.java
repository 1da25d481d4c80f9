package io.github.mae4j.torch.train;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.CpuInfo;
import io.github.mae4j.torch.internal.MeasuredChoices;
import io.github.mae4j.torch.nn.NonFiniteLossException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.jspecify.annotations.Nullable;

/**
 * Data parallelism across the CPU's cores inside one process: a batch is split into one shard per core, each core
 * runs its shard's forward and backward with single-threaded kernels, and the shards' gradients are added up in a
 * fixed order. The result is the batch's gradient (to float rounding: the sum is taken in another order), and it is
 * the same from run to run.
 *
 * <p>Why: on a CPU, one batch run with multi-threaded kernels leaves cores idle. OpenBLAS splits each GEMM across
 * the cores (1.6–1.9× on two cores for ViT-B's linear layers, not 2×), and ATen's element-wise kernels (layer
 * norm, softmax, GELU, the adds) run on the one ATen thread that does not fight OpenBLAS's pool for the cores
 * ({@link Torch#load()}). With one shard per core every operation of the step runs on all cores at single-thread
 * efficiency. Forward and backward measured whole and split on a 2-core AMD EPYC (2026-12-02, docs/benchmarks.md):
 * the fashion-mnist model at batch 256 0.74–0.94 → 0.57–0.69 s (fp32) and 0.52–0.66 → 0.37–0.40 s (bf16);
 * ViT-B/16 at batch 8 3.45–3.93 → 3.10–3.20 s (fp32), while its bf16 step stays whole (within 5 %).
 *
 * <p>What a shard computes: the loss of its images under their own rows of the batch's masking key, weighted by its
 * share of the batch ({@code n_k / N}; the MAE loss is a mean over images that all have the same number of masked
 * patches), so the gradients add up to the batch-mean loss's. Shard 0 accumulates into the parameters' gradients
 * as a plain backward does; shards 1… compute theirs apart ({@code torch::autograd::grad}) and, once every shard is
 * done, each core adds a fixed part of the parameters' shard gradients into the parameters' ones, in shard order.
 *
 * <p>Whether a run splits its batches is measured, not assumed ({@link #decide}): one batch's forward and backward
 * are timed whole and split, and the split is used when it is at least {@value #MARGIN_PERCENT} % faster; the
 * answer is remembered per CPU, libtorch, model, batch shape and precision ({@link MeasuredChoices}).
 * {@code mae4j.cpuShards} (or {@code MAE4J_CPU_SHARDS}) overrides it: {@code measure} (default), {@code off}, or a
 * number of shards.
 */
public final class CoreShards implements AutoCloseable {
  /** The split must save at least this much of the step to be chosen. */
  static final int MARGIN_PERCENT = 5;

  private final int shards;
  private final List<Tensor> parameters;
  private final int[][] reduceSlices;
  private final ExecutorService pool;
  private boolean closed;

  private CoreShards(int shards, List<Tensor> parameters) {
    this.shards = shards;
    this.parameters = List.copyOf(parameters);
    this.reduceSlices = balance(this.parameters, shards);
    AtomicInteger count = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(shards, r -> {
      Thread t = new Thread(() -> {
        // this thread's ATen kernels run single-threaded: the other cores run the other shards
        torch.set_num_threads(1);
        r.run();
      }, "mae4j-core-shard-" + count.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Splits batches of a model with these trainable {@code parameters} into {@code shards} shards.
   *
   * @throws IllegalArgumentException when {@code shards < 2} or there are no parameters
   */
  public static CoreShards create(int shards, List<Tensor> parameters) {
    if (shards < 2) {
      throw new IllegalArgumentException("core shards must be >= 2, got " + shards);
    }
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("no trainable parameters to accumulate gradients into");
    }
    return new CoreShards(shards, parameters);
  }

  /** The number of shards (the batch of a step is split into at most this many). */
  public int shards() {
    return shards;
  }

  /** The decision of {@link #decide}: how many shards (1: the batch runs whole) and why, in one line. */
  public record Decision(int shards, String reason) {}

  /**
   * Whether batches shaped like {@code images} should be split across the cores for {@code model}: the override
   * when one is set, else a measurement (remembered, see the class comment). Leaves the parameters' gradients
   * empty, the masking generators untouched and libtorch's default generator where it was.
   *
   * @param reducerHooks whether gradients are averaged by c10d's Reducer during backward (its hooks expect one
   *     backward per step: the split is then off)
   */
  public static Decision decide(PretrainModel model, Tensor images, Precision precision, List<Tensor> parameters,
      boolean reducerHooks) {
    return decide(model, images, precision, parameters, reducerHooks, line -> {});
  }

  /**
   * As {@link #decide(PretrainModel, Tensor, Precision, List, boolean)}; {@code notice} receives one line before a
   * measurement starts (it runs a few forward and backward passes: a large model's first step takes that long).
   */
  public static Decision decide(PretrainModel model, Tensor images, Precision precision, List<Tensor> parameters,
      boolean reducerHooks, Consumer<String> notice) {
    return decide(model, images, precision, parameters, reducerHooks, System.getProperty("mae4j.cpuShards",
        System.getenv().getOrDefault("MAE4J_CPU_SHARDS", "measure")), notice);
  }

  /** {@link #decide(PretrainModel, Tensor, Precision, List, boolean, Consumer)} with the setting given. */
  static Decision decide(PretrainModel model, Tensor images, Precision precision, List<Tensor> parameters,
      boolean reducerHooks, String value, Consumer<String> notice) {
    Torch.load();
    String setting = value.trim().toLowerCase(Locale.ROOT);
    int cores = Math.max(Torch.blasThreads(), Torch.atenThreads());
    long batch = images.size(0);
    int forced = -1;
    if (setting.equals("off")) {
      return new Decision(1, "mae4j.cpuShards=off");
    } else if (!setting.equals("measure")) {
      try {
        forced = Integer.parseInt(setting);
      } catch (NumberFormatException e) {
        forced = 0;
      }
      if (forced < 1) {
        throw new IllegalArgumentException("mae4j.cpuShards/MAE4J_CPU_SHARDS must be measure, off or a number of"
            + " shards >= 1, got '" + setting + "'");
      }
    }
    if (images.device().is_cuda()) {
      return new Decision(1, "");
    }
    if (!model.splitsAcrossCores()) {
      return new Decision(1, forced > 1 ? "the model does not declare a batch-mean loss that splits: one shard"
          : "");
    }
    if (reducerHooks) {
      return new Decision(1, "batches run whole: c10d's Reducer averages gradients during one backward per step"
          + " (the flat gradient averaging allows one shard per core)");
    }
    long parameterBytes = 0;
    for (Tensor p : parameters) {
      parameterBytes += p.nbytes();
    }
    int byMemory = maxShardsForMemory(parameterBytes, physicalMemoryBytes());
    int shards = (int) Math.min(Math.min(forced > 0 ? forced : cores, batch), byMemory);
    if (shards < 2 && byMemory < 2 && Math.min(forced > 0 ? forced : cores, batch) >= 2) {
      return new Decision(1, String.format(Locale.ROOT, "batches run whole: a second shard's gradients (%.1f GiB)"
          + " would pass a quarter of the memory", parameterBytes / 1073741824.0));
    }
    if (shards < 2) {
      return new Decision(1, forced > 0 ? "mae4j.cpuShards=" + forced + (forced > 1 ? " (batch " + batch + ")" : "")
          : "");
    }
    if (forced > 0) {
      return new Decision(shards, "each batch split into " + shards + " shards, one per core (mae4j.cpuShards="
          + forced + ")");
    }
    CpuInfo cpu = CpuInfo.read();
    long numel = 0;
    for (Tensor p : parameters) {
      numel += p.numel();
    }
    String key = String.format(Locale.ROOT, "core shards %d|%s|torch %s|%s|batch %s|%d parameters in %d tensors",
        shards, cpu.model().replace('=', ' ').replace(':', ' '), Torch.libtorchVersion(), precision,
        shape(images), numel, parameters.size());
    double[] times = new double[2];
    final int n = shards;
    String answer = MeasuredChoices.choose(key, List.of("split", "whole"), () -> {
      notice.accept("timing one batch whole and split into " + n + " shards, one per core (once per machine and"
          + " configuration)");
      double[] t = measure(model, images, precision, parameters, n);
      times[0] = t[0];
      times[1] = t[1];
      return t[1] * (100 + MARGIN_PERCENT) / 100 < t[0] ? "split" : "whole";
    });
    String measured = times[0] > 0
        ? String.format(Locale.ROOT, " (measured now: whole %.3f s, split %.3f s)", times[0], times[1])
        : " (measured earlier on this machine: delete " + MeasuredChoices.file() + " to measure again)";
    return answer.equals("split")
        ? new Decision(shards, "each batch split into " + shards + " shards, one per core" + measured)
        : new Decision(1, "batches run whole on all cores" + measured);
  }

  /**
   * The most shards whose extra gradients (one set per shard after the first) stay within a quarter of the
   * machine's memory: on a many-core host, one shard per core of a large model would otherwise hold tens of
   * gigabytes of gradients.
   */
  static int maxShardsForMemory(long parameterBytes, long memoryBytes) {
    if (parameterBytes <= 0 || memoryBytes <= 0) {
      return Integer.MAX_VALUE;
    }
    return (int) Math.min(Integer.MAX_VALUE, 1 + memoryBytes / 4 / parameterBytes);
  }

  private static long physicalMemoryBytes() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }

  private static String shape(Tensor t) {
    StringBuilder b = new StringBuilder("[");
    for (int d = 0; d < t.dim(); d++) {
      b.append(d == 0 ? "" : ", ").append(t.size(d));
    }
    return b.append(']').toString();
  }

  /** Best-of-two times of one forward and backward, whole and split: {@code {whole, split}} seconds. */
  private static double[] measure(PretrainModel model, Tensor images, Precision precision, List<Tensor> parameters,
      int shards) {
    Generator global = torch.getDefaultCPUGenerator();
    Tensor state = global.get_state();
    try (CoreShards split = create(shards, parameters); PointerScope ignored = new PointerScope()) {
      Tensor noise = model.sampleNoise(images.size(0), torch.createCPUGenerator(0x5EED));
      double whole = Double.MAX_VALUE;
      double parts = Double.MAX_VALUE;
      // the first rounds warm both: the kernels' own measurements, and the shard threads' allocator arenas, whose
      // first pages fault in (one warm round made the split look 30 % slower than it runs in training)
      int warm = 2;
      for (int i = 0; i < warm + 3; i++) {
        long t0 = System.nanoTime();
        try (PointerScope s = new PointerScope()) {
          Tensor loss;
          try (Autocast a = Autocast.enter(DeviceType.CPU, precision)) {
            loss = model.lossWithNoise(images, noise);
          }
          loss.backward();
        } catch (NonFiniteLossException e) {
          // timing only: a diverging model still takes the same time
        }
        double w = (System.nanoTime() - t0) / 1e9;
        clearGradients(parameters);
        // OpenBLAS's threads spin for a while after a multi-threaded GEMM; a split pass started at once would share
        // a core with one of them (as it never does in training, where the whole-batch GEMMs do not run)
        pause(OPENBLAS_SPIN_MILLIS);
        t0 = System.nanoTime();
        split.forwardBackward(model, images, noise, precision, 1.0);
        double p = (System.nanoTime() - t0) / 1e9;
        clearGradients(parameters);
        if (i >= warm) {
          whole = Math.min(whole, w);
          parts = Math.min(parts, p);
        }
      }
      return new double[] {whole, parts};
    } finally {
      global.set_state(state);
    }
  }

  /** Longer than OpenBLAS's default thread timeout (2^28 cycles, about 0.1 s). */
  private static final long OPENBLAS_SPIN_MILLIS = 300;

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Empties the parameters' gradients (as the optimizers' zeroGrad does). */
  static void clearGradients(List<Tensor> parameters) {
    for (Tensor p : parameters) {
      Tensor g = p.mutable_grad();
      if (g.defined()) {
        g.detach_();
        g.reset();
      }
    }
  }

  /** The outcome of one split forward and backward: the batch's loss, or a non-finite one. */
  public record Result(double loss) {}

  /**
   * Forward and backward of one batch, split: {@code images [N, C, H, W]} with masking key {@code noise [N, L]};
   * the gradients of {@code lossFactor ×} the batch's mean loss are added into the parameters' gradients. Runs
   * under {@code precision}'s autocast in every shard. Tensors made here live in the calling thread's scope only
   * when returned (none are).
   *
   * @return the batch's loss (the share-weighted mean of the shards' losses; NaN or infinite when any shard's loss
   *     was — its gradients are then incomplete, and the caller must not step)
   */
  public Result forwardBackward(PretrainModel model, Tensor images, Tensor noise, Precision precision,
      double lossFactor) {
    if (closed) {
      throw new IllegalStateException("core shards are closed");
    }
    long n = images.size(0);
    if (noise.size(0) != n) {
      throw new IllegalArgumentException("masking key has " + noise.size(0) + " rows for " + n + " images");
    }
    int active = (int) Math.min(shards, n);
    double[] losses = new double[active];
    Tensor[][] grads = new Tensor[active][];
    Throwable[] failures = new Throwable[active];
    int[][] slices = active == shards ? reduceSlices : balance(parameters, active);
    CountDownLatch computed = new CountDownLatch(active);
    CountDownLatch reduced = new CountDownLatch(active);
    int blasBefore = Torch.blasThreads();
    Torch.setBlasThreads(1); // each shard's GEMMs run on its own core
    try {
      List<java.util.concurrent.Future<?>> running = new ArrayList<>(active);
      for (int k = 0; k < active; k++) {
        final int shard = k;
        final long from = n * k / active;
        final long to = n * (k + 1) / active;
        running.add(pool.submit(() -> runShard(shard, model, images, noise, from, to,
            (double) (to - from) / n * lossFactor, precision, losses, grads, failures, slices[shard], computed,
            reduced)));
      }
      for (java.util.concurrent.Future<?> f : running) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while the core shards ran", e);
        } catch (ExecutionException e) {
          failures[0] = failures[0] == null ? e.getCause() : failures[0];
        }
      }
    } finally {
      Torch.setBlasThreads(blasBefore);
    }
    for (Throwable t : failures) {
      if (t instanceof RuntimeException r) {
        throw r;
      } else if (t instanceof Error e) {
        throw e;
      } else if (t != null) {
        throw new IllegalStateException(t);
      }
    }
    double loss = 0;
    for (int k = 0; k < active; k++) {
      long from = n * k / active;
      long to = n * (k + 1) / active;
      loss += losses[k] * (to - from) / n;
    }
    return new Result(loss);
  }

  private void runShard(int shard, PretrainModel model, Tensor batch, Tensor batchNoise, long from, long to,
      double weight, Precision precision, double[] losses, Tensor[][] grads, Throwable[] failures, int[] slice,
      CountDownLatch computed, CountDownLatch reduced) {
    int active = grads.length;
    // every tensor made on this thread, the views of the batch included, belongs to this scope: a view left to the
    // garbage collector would keep the whole batch's storage alive until a collection that a small heap rarely needs
    try (PointerScope scope = new PointerScope()) {
      try {
        Tensor images = batch.narrow(0, from, to - from);
        Tensor noise = batchNoise.narrow(0, from, to - from);
        Tensor loss;
        try (Autocast a = Autocast.enter(DeviceType.CPU, precision)) {
          loss = model.lossWithNoise(images, noise);
          losses[shard] = loss.item_double();
        }
        Tensor scaled = loss.mul(new Scalar(weight));
        if (shard == 0) {
          scaled.backward();
        } else {
          TensorVector g = torch.grad(new TensorVector(scaled), new TensorVector(parameters.toArray(new Tensor[0])),
              new TensorVector(), new BoolOptional(false), false, true);
          Tensor[] mine = new Tensor[parameters.size()];
          for (int i = 0; i < mine.length; i++) {
            mine[i] = g.get(i);
          }
          grads[shard] = mine;
        }
      } catch (NonFiniteLossException e) {
        losses[shard] = e.loss();
      } catch (RuntimeException | Error e) {
        failures[shard] = e;
      } finally {
        computed.countDown();
      }
      // every shard's gradients are ready (or a shard failed): each core adds its part, in shard order; the
      // gradients made by other shards stay alive until every core is done with them (the second latch)
      awaitUninterruptibly(computed);
      try {
        if (allComputed(losses, grads, failures, active)) {
          for (int i : slice) {
            addInto(parameters.get(i), grads, i, active);
          }
        }
      } catch (RuntimeException | Error e) {
        failures[shard] = e;
      } finally {
        reduced.countDown();
      }
      awaitUninterruptibly(reduced);
    }
  }

  private static boolean allComputed(double[] losses, Tensor[][] grads, Throwable[] failures, int active) {
    for (int k = 0; k < active; k++) {
      if (failures[k] != null || !Double.isFinite(losses[k]) || (k > 0 && grads[k] == null)) {
        return false;
      }
    }
    return true;
  }

  private static void addInto(Tensor parameter, Tensor[][] grads, int i, int active) {
    Tensor target = null;
    for (int k = 1; k < active; k++) {
      Tensor g = grads[k][i];
      if (g == null || !g.defined()) {
        continue;
      }
      if (target == null) {
        target = parameter.mutable_grad();
        if (!target.defined()) {
          parameter.mutable_grad().put(torch.zeros_like(parameter));
          target = parameter.mutable_grad();
        }
      }
      target.add_(g);
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Parameter indices per core, balanced by element count (largest first onto the least loaded core). */
  static int[][] balance(List<Tensor> parameters, int parts) {
    Integer[] order = new Integer[parameters.size()];
    long[] size = new long[order.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      size[i] = parameters.get(i).numel();
    }
    java.util.Arrays.sort(order, (a, b) -> Long.compare(size[b], size[a]));
    long[] load = new long[parts];
    List<List<Integer>> slices = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      slices.add(new ArrayList<>());
    }
    for (int i : order) {
      int least = 0;
      for (int p = 1; p < parts; p++) {
        if (load[p] < load[least]) {
          least = p;
        }
      }
      slices.get(least).add(i);
      load[least] += size[i];
    }
    int[][] out = new int[parts][];
    for (int p = 0; p < parts; p++) {
      out[p] = slices.get(p).stream().mapToInt(Integer::intValue).sorted().toArray();
    }
    return out;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      pool.shutdownNow();
    }
  }

  /** For {@link Trainer}: the shards of a decision, or null when batches run whole. */
  static @Nullable CoreShards of(Decision d, List<Tensor> parameters) {
    return d.shards() > 1 ? create(d.shards(), parameters) : null;
  }
}

package io.github.mae4j.torch;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Keeps glibc from handing a training step's buffers back to the kernel between steps.
 *
 * <p>Why: a step allocates and frees the same large activation buffers every iteration. With glibc's defaults,
 * blocks above the (dynamic) mmap threshold are mapped and unmapped each time and the top of the heap is trimmed,
 * so every step faults the same memory in again and the kernel clears each page (14 % of an MAE bf16 step sat in
 * {@code clear_page_erms} in one profile). {@link #apply()} sets, through the FFM API before the first step,
 * {@code M_MMAP_THRESHOLD} to glibc's largest allowed value (32 MiB on 64-bit: blocks below it come from the
 * heap and are reused) and {@code M_TRIM_THRESHOLD} to 1 GiB (freed memory stays with the process). The cost is
 * RSS: the peak of a step stays resident between steps. Off by default: on the 2-core AMD EPYC host of
 * 2026-12-01, under load from other builds, minor page faults per step and step times did not move consistently
 * (docs/benchmarks.md); {@code mae4j.malloc=tuned} (or {@code MAE4J_MALLOC=tuned}) turns it on, to measure with
 * {@code StepBenchmark}, which prints the faults per step. Does nothing where there is no glibc {@code mallopt}.
 */
public final class MallocTuning {
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_MMAP_THRESHOLD = -3;
  private static final int MMAP_THRESHOLD = 32 << 20;
  private static final int TRIM_THRESHOLD = 1 << 30;
  private static volatile Boolean applied;

  private MallocTuning() {}

  /** Applies the settings once when {@code mae4j.malloc}/{@code MAE4J_MALLOC} is {@code tuned}; true when applied. */
  public static synchronized boolean apply() {
    String v = System.getProperty("mae4j.malloc", System.getenv().getOrDefault("MAE4J_MALLOC", "default"));
    if (!v.equalsIgnoreCase("default") && !v.equalsIgnoreCase("tuned")) {
      throw new IllegalArgumentException("mae4j.malloc/MAE4J_MALLOC must be tuned or default, got '" + v + "'");
    }
    if (applied == null) {
      applied = v.equalsIgnoreCase("tuned") && tune();
    }
    return applied;
  }

  /** Sets both thresholds now; true when glibc accepted them (false without glibc). */
  public static boolean tune() {
    return mallopt().map(h -> {
      try {
        return (int) h.invokeExact(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
            && (int) h.invokeExact(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1;
      } catch (Throwable t) {
        return false;
      }
    }).orElse(false);
  }

  /** Whether {@link #apply()} changed glibc's settings in this process. */
  public static boolean applied() {
    return Boolean.TRUE.equals(applied);
  }

  /** This process's minor page faults so far (Linux; -1 elsewhere): what buffer churn costs, whatever the load. */
  public static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // fields after the command name (which may hold spaces, inside parentheses): state is field 3, minflt 10
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[7]);
    } catch (Exception e) {
      return -1;
    }
  }

  private static Optional<MethodHandle> mallopt() {
    Linker linker = Linker.nativeLinker();
    return linker.defaultLookup().find("mallopt").map(addr -> linker.downcallHandle(addr,
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)));
  }
}

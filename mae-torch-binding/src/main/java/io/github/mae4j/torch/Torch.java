package io.github.mae4j.torch;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads libtorch once, safely, and sets its thread pools.
 *
 * <p>Two traps are handled here, not left to users (see the project's libtorch notes):
 *
 * <ul>
 *   <li>On an empty JavaCPP cache, when a system libtorch exists (Debian's {@code python3-torch}), loading
 *       {@code libtorch.so} before {@code libtorch_cpu.so} is extracted makes the dynamic linker pick the system
 *       copy and the JVM crashes. {@link #load()} extracts {@code libtorch_cpu.so} first.
 *   <li>fp32 GEMM runs in OpenBLAS's own pool, which competes with ATen's OpenMP pool; the default is ~6× slower
 *       for training on two cores. {@link #load()} gives ATen one intra-op thread and OpenBLAS every core unless
 *       {@code mae4j.threads}/{@code mae4j.blasThreads} (or {@code MAE4J_THREADS}/{@code MAE4J_BLAS_THREADS}) say
 *       otherwise; {@link #setThreads(int, int)} changes it later. It also sets {@code OMP_WAIT_POLICY=PASSIVE}
 *       (unless already set) before libtorch loads, so that ATen's OpenMP threads never spin against OpenBLAS's.
 *       ATen stays at one thread by default even so: kernels that run inside ATen's parallel regions (CPU flash
 *       attention) then call OpenBLAS from several threads at once, and a ViT-B/16 step whose encoder takes mask
 *       tokens took 27–41 s with 2 ATen threads instead of 7 s with one (2 cores, 2026-11-23).
 *   <li>glibc returns a step's large buffers to the kernel after every step, which clears the pages again on the
 *       next: {@link MallocTuning} keeps them when {@code mae4j.malloc=tuned} (not measured to win yet).
 * </ul>
 */
public final class Torch {
  private static volatile boolean loaded;
  private static int atenThreads;
  private static int blasThreads;
  private static boolean atenChosenByUser;

  private Torch() {}

  /** Loads the natives (idempotent, thread-safe) and applies the default thread settings. */
  public static void load() {
    if (loaded) {
      return;
    }
    synchronized (Torch.class) {
      if (loaded) {
        return;
      }
      try {
        String platform = Loader.getPlatform();
        // extract libtorch_cpu first: see the class comment
        Loader.cacheResource(torch.class, "/org/bytedeco/pytorch/" + platform + "/libtorch_cpu.so");
      } catch (Exception | UnsatisfiedLinkError e) {
        // not fatal: the resource may be named otherwise on another platform; Loader.load reports real failures
      }
      passiveOpenMpWait();
      MallocTuning.apply();
      Loader.load(torch.class);
      int cores = Runtime.getRuntime().availableProcessors();
      atenChosenByUser = System.getProperty("mae4j.threads") != null || System.getenv("MAE4J_THREADS") != null;
      int aten = intSetting("mae4j.threads", "MAE4J_THREADS", 1);
      int blas = intSetting("mae4j.blasThreads", "MAE4J_BLAS_THREADS", cores);
      loaded = true;
      setThreads(aten, blas);
    }
  }

  /**
   * Sets ATen's intra-op threads and OpenBLAS's threads.
   *
   * @throws IllegalArgumentException when a count is below 1
   */
  public static synchronized void setThreads(int aten, int blas) {
    if (aten < 1 || blas < 1) {
      throw new IllegalArgumentException(
          "thread counts must be >= 1, got aten=" + aten + ", blas=" + blas);
    }
    load();
    torch.set_num_threads(aten);
    atenThreads = aten;
    setBlasThreads(blas);
  }

  /**
   * Sets OpenBLAS's threads only, leaving ATen's as they are (a no-op in a build without OpenBLAS).
   *
   * @throws IllegalArgumentException when {@code blas < 1}
   */
  public static synchronized void setBlasThreads(int blas) {
    if (blas < 1) {
      throw new IllegalArgumentException("thread counts must be >= 1, got blas=" + blas);
    }
    load();
    openblasSetThreads().ifPresent(h -> {
      try {
        h.invokeExact(blas);
      } catch (Throwable t) {
        throw new IllegalStateException("openblas_set_num_threads failed", t);
      }
    });
    blasThreads = blas;
  }

  /**
   * Gives ATen as many threads as OpenBLAS has, for bf16 work on the CPU, unless the user chose ATen's count
   * ({@code mae4j.threads}/{@code MAE4J_THREADS}); returns the count in force before, to restore with
   * {@link #setThreads(int, int)}. bf16 matmuls and attention run in oneDNN on ATen's OpenMP pool, not in OpenBLAS,
   * so the default single ATen thread would leave them one core (ViT-B/16 bf16 step on 2 cores: 5.5 s with one
   * thread, 3.1 s with two), and the nested OpenBLAS calls that make 2 ATen threads slow in fp32 do not occur.
   */
  public static synchronized int atenThreadsForBf16() {
    load();
    int before = atenThreads;
    if (!atenChosenByUser && blasThreads > atenThreads) {
      setThreads(blasThreads, blasThreads);
    }
    return before;
  }

  /** ATen intra-op threads in force. */
  public static int atenThreads() {
    load();
    return atenThreads;
  }

  /** OpenBLAS threads in force (as last set; OpenBLAS may be absent from a build, then it is unused). */
  public static int blasThreads() {
    load();
    return blasThreads;
  }

  /** Whether this libtorch build has OpenBLAS (its fp32 GEMM path on the CPU). */
  public static boolean hasOpenBlas() {
    load();
    return openblasSetThreads().isPresent();
  }

  /** The libtorch version, read from the library's build configuration (e.g. "2.10.0"). */
  public static String libtorchVersion() {
    load();
    String config = torch.show_config().getString();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("TORCH_VERSION=([0-9][^,\\s]*)").matcher(config);
    return m.find() ? m.group(1) : "unknown";
  }

  /** Whether a CUDA device is usable. */
  public static boolean cudaAvailable() {
    load();
    return torch.cuda_is_available();
  }

  /**
   * Sets {@code OMP_WAIT_POLICY=PASSIVE} in the process environment (unless the user set it) before libgomp is
   * loaded: ATen's OpenMP threads then sleep instead of spinning after a parallel region, so they do not steal the
   * cores from OpenBLAS's pool. Measured on 2 cores: with 2 ATen threads and the default (spinning) policy a tiny
   * MAE trained at 42 images/s, with the passive policy at 229 (1 ATen thread: 240).
   */
  private static void passiveOpenMpWait() {
    if (System.getenv("OMP_WAIT_POLICY") != null) {
      return;
    }
    Linker linker = Linker.nativeLinker();
    linker.defaultLookup().find("setenv").ifPresent(addr -> {
      MethodHandle setenv = linker.downcallHandle(addr, FunctionDescriptor.of(ValueLayout.JAVA_INT,
          ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
      try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
        int rc = (int) setenv.invokeExact(arena.allocateFrom("OMP_WAIT_POLICY"), arena.allocateFrom("PASSIVE"), 0);
        if (rc != 0) {
          System.getLogger(Torch.class.getName()).log(System.Logger.Level.DEBUG, "setenv(OMP_WAIT_POLICY) failed");
        }
      } catch (Throwable t) {
        System.getLogger(Torch.class.getName()).log(System.Logger.Level.DEBUG, "setenv(OMP_WAIT_POLICY) failed", t);
      }
    });
  }

  private static Optional<MethodHandle> openblasSetThreads() {
    return SymbolLookup.loaderLookup()
        .find("openblas_set_num_threads")
        .or(() -> Linker.nativeLinker().defaultLookup().find("openblas_set_num_threads"))
        .map(addr -> Linker.nativeLinker()
            .downcallHandle(addr, FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)));
  }

  private static int intSetting(String property, String env, int fallback) {
    String v = System.getProperty(property);
    if (v == null) {
      v = System.getenv(env);
    }
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + "/" + env + " must be a positive integer, got '" + v + "'");
    }
  }
}

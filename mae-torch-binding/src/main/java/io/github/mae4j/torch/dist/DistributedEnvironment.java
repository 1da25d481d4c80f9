package io.github.mae4j.torch.dist;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where this process stands in a data-parallel job, as torchrun (and {@code mae launch}) describe it in the
 * environment: {@code RANK}, {@code LOCAL_RANK}, {@code WORLD_SIZE}, {@code LOCAL_WORLD_SIZE}, {@code MASTER_ADDR},
 * {@code MASTER_PORT}. Under Slurm, when these are absent, {@code SLURM_PROCID}, {@code SLURM_NTASKS} and
 * {@code SLURM_LOCALID} stand for the ranks (the address and port must still be given). mae4j adds
 * {@code MAE_RDZV_FILE} (rendezvous over a shared file instead of a TCP store), {@code MAE_DIST_TIMEOUT} (seconds a
 * collective may wait, default 60), {@code MAE_DIST_GRAD_SYNC} ({@code reducer}, the default, or {@code flat}) and
 * {@code MAE_DIST_BACKEND} ({@code auto}, the default: NCCL when the run's device is CUDA, else Gloo; or {@code gloo},
 * {@code nccl}).
 *
 * @param rank this process's rank in [0, worldSize)
 * @param localRank its rank on this host
 * @param worldSize processes in the job
 * @param localWorldSize processes on this host
 * @param masterAddr the host of rank 0's TCP store (unused with a rendezvous file)
 * @param masterPort the port of that store
 * @param rdzvFile a shared file for a {@code FileStore} rendezvous, instead of the TCP store
 * @param timeout how long a rendezvous or collective may wait before the run stops
 * @param gradSync how gradients are averaged
 * @param backend the c10d backend of the process group
 */
public record DistributedEnvironment(
    int rank,
    int localRank,
    int worldSize,
    int localWorldSize,
    String masterAddr,
    int masterPort,
    Optional<Path> rdzvFile,
    Duration timeout,
    GradientReducer.Mode gradSync,
    Backend backend) {

  /** The c10d backend that carries the collectives. */
  public enum Backend {
    /** Chosen from the run's device when the context connects: NCCL for CUDA, Gloo otherwise (torch's default). */
    AUTO,
    /** Gloo, on the CPU: the only backend of the CPU natives; CUDA tensors go through it by way of the CPU. */
    GLOO,
    /**
     * NCCL for CUDA tensors (Gloo beside it for CPU ones, as torch's {@code "cpu:gloo,cuda:nccl"}): needs CUDA and
     * the {@code gpu} natives.
     */
    NCCL;

    /** This backend for a run on {@code device} ({@code cpu}, {@code cuda}, {@code cuda:N}): AUTO resolved. */
    public Backend forDevice(String device) {
      if (this != AUTO) {
        return this;
      }
      return device.trim().toLowerCase(java.util.Locale.ROOT).startsWith("cuda") ? NCCL : GLOO;
    }
  }

  /** The collective timeout when {@code MAE_DIST_TIMEOUT} is not set. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public DistributedEnvironment {
    if (worldSize < 1) {
      throw new DistributedException("WORLD_SIZE (" + worldSize + ") must be >= 1");
    }
    if (rank < 0 || rank >= worldSize) {
      throw new DistributedException("RANK (" + rank + ") must be in [0, WORLD_SIZE (" + worldSize + "))");
    }
    if (localWorldSize < 1 || localRank < 0 || localRank >= localWorldSize) {
      throw new DistributedException("LOCAL_RANK (" + localRank + ") must be in [0, LOCAL_WORLD_SIZE ("
          + localWorldSize + "))");
    }
    if (worldSize > 1 && rdzvFile.isEmpty() && masterAddr.isBlank()) {
      throw new DistributedException("MASTER_ADDR is not set: WORLD_SIZE " + worldSize
          + " needs the host of rank 0 (or a rendezvous file, MAE_RDZV_FILE)");
    }
    if (masterPort < 1 || masterPort > 65535) {
      throw new DistributedException("MASTER_PORT (" + masterPort + ") must be in [1, 65535]");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new DistributedException("MAE_DIST_TIMEOUT (" + timeout.toSeconds() + " s) must be > 0");
    }
  }

  /** The same with the backend chosen from the device ({@link Backend#AUTO}). */
  public DistributedEnvironment(int rank, int localRank, int worldSize, int localWorldSize, String masterAddr,
      int masterPort, Optional<Path> rdzvFile, Duration timeout, GradientReducer.Mode gradSync) {
    this(rank, localRank, worldSize, localWorldSize, masterAddr, masterPort, rdzvFile, timeout, gradSync,
        Backend.AUTO);
  }

  /** One process alone (world size 1): what a run gets when no launcher set the environment. */
  public static DistributedEnvironment single() {
    return new DistributedEnvironment(0, 0, 1, 1, "127.0.0.1", 29500, Optional.empty(), DEFAULT_TIMEOUT,
        GradientReducer.Mode.REDUCER);
  }

  /** This process's environment ({@link System#getenv()}); see {@link #from(Map)}. */
  public static Optional<DistributedEnvironment> fromSystem() {
    return from(System.getenv());
  }

  /**
   * The environment described by {@code env}, or empty when it names no job (neither {@code WORLD_SIZE} nor
   * {@code SLURM_NTASKS} is set).
   *
   * @throws DistributedException when a variable is malformed or the variables contradict each other
   */
  public static Optional<DistributedEnvironment> from(Map<String, String> env) {
    boolean torchrun = env.containsKey("WORLD_SIZE");
    if (!torchrun && !env.containsKey("SLURM_NTASKS")) {
      return Optional.empty();
    }
    int world = torchrun ? integer(env, "WORLD_SIZE", null) : integer(env, "SLURM_NTASKS", null);
    int rank = torchrun ? integer(env, "RANK", null) : integer(env, "SLURM_PROCID", null);
    int localRank = torchrun
        ? integer(env, "LOCAL_RANK", env.getOrDefault("RANK", null))
        : integer(env, "SLURM_LOCALID", env.getOrDefault("SLURM_PROCID", null));
    int localWorld = integer(env, "LOCAL_WORLD_SIZE",
        env.getOrDefault("SLURM_NTASKS_PER_NODE", String.valueOf(Math.max(world, localRank + 1))));
    String addr = env.getOrDefault("MASTER_ADDR", "").trim();
    int port = integer(env, "MASTER_PORT", "29500");
    Optional<Path> file = Optional.ofNullable(env.get("MAE_RDZV_FILE")).filter(s -> !s.isBlank()).map(Path::of);
    String seconds = env.getOrDefault("MAE_DIST_TIMEOUT", String.valueOf(DEFAULT_TIMEOUT.toSeconds()));
    Duration timeout;
    try {
      timeout = Duration.ofMillis(Math.round(Double.parseDouble(seconds.trim()) * 1000));
    } catch (NumberFormatException e) {
      throw new DistributedException("MAE_DIST_TIMEOUT (" + seconds + ") must be a number of seconds");
    }
    String sync = env.getOrDefault("MAE_DIST_GRAD_SYNC", "reducer").trim().toUpperCase(Locale.ROOT);
    GradientReducer.Mode mode;
    try {
      mode = GradientReducer.Mode.valueOf(sync);
    } catch (IllegalArgumentException e) {
      throw new DistributedException("MAE_DIST_GRAD_SYNC (" + sync.toLowerCase(Locale.ROOT)
          + ") must be reducer or flat");
    }
    String name = env.getOrDefault("MAE_DIST_BACKEND", "auto").trim().toUpperCase(Locale.ROOT);
    Backend backend;
    try {
      backend = Backend.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new DistributedException("MAE_DIST_BACKEND (" + name.toLowerCase(Locale.ROOT)
          + ") must be auto, gloo or nccl");
    }
    return Optional.of(new DistributedEnvironment(rank, localRank, world, localWorld, addr, port, file, timeout,
        mode, backend));
  }

  /** A copy rendezvousing over {@code file} (a {@code FileStore}) instead of the TCP store. */
  public DistributedEnvironment withRdzvFile(Path file) {
    return new DistributedEnvironment(rank, localRank, worldSize, localWorldSize, masterAddr, masterPort,
        Optional.of(file), timeout, gradSync, backend);
  }

  /** Whether this is rank 0, the process that writes. */
  public boolean isMain() {
    return rank == 0;
  }

  private static int integer(Map<String, String> env, String name, String fallback) {
    String v = env.getOrDefault(name, fallback);
    if (v == null) {
      throw new DistributedException(name + " is not set (a distributed job needs RANK, WORLD_SIZE, MASTER_ADDR, "
          + "MASTER_PORT; under Slurm SLURM_PROCID and SLURM_NTASKS)");
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new DistributedException(name + " (" + v + ") must be an integer");
    }
  }
}

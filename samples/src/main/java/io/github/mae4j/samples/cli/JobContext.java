package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.DistributedEnvironment;
import org.jspecify.annotations.Nullable;

/** The distributed job a training verb runs in, when its environment names one (mae launch, torchrun, Slurm). */
final class JobContext {
  private JobContext() {}

  /** The connected context when {@code WORLD_SIZE} (or {@code SLURM_NTASKS}) is set, else null. */
  static @Nullable DistributedContext fromEnvironment() {
    return DistributedEnvironment.fromSystem().map(DistributedContext::connect).orElse(null);
  }

  /**
   * Refuses to run {@code verb} as one of several processes: it does not run distributed yet, and N copies would
   * write the same files.
   *
   * @throws IllegalArgumentException when the environment names a job of more than one process
   */
  static void requireSingleProcess(String verb) {
    DistributedEnvironment.fromSystem().filter(e -> e.worldSize() > 1).ifPresent(e -> {
      throw new IllegalArgumentException("mae " + verb + " does not run distributed yet (WORLD_SIZE is "
          + e.worldSize() + "): run it as one process, without mae launch");
    });
  }

  /** Whether this process prints the run's header and report (rank 0, or no job). */
  static boolean speaks(@Nullable DistributedContext c) {
    return c == null || c.isMain();
  }
}

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

  /** Whether this process prints the run's header and report (rank 0, or no job). */
  static boolean speaks(@Nullable DistributedContext c) {
    return c == null || c.isMain();
  }
}

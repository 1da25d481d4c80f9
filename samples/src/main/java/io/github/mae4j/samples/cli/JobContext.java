package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.DistributedEnvironment;
import org.jspecify.annotations.Nullable;

/** The distributed job a training verb runs in, when its environment names one (mae launch, torchrun, Slurm). */
final class JobContext {
  private JobContext() {}

  /** The connected context when {@code WORLD_SIZE} (or {@code SLURM_NTASKS}) is set, else null; a CPU run. */
  static @Nullable DistributedContext fromEnvironment() {
    return fromEnvironment("cpu");
  }

  /**
   * The connected context for a run on {@code device} when {@code WORLD_SIZE} (or {@code SLURM_NTASKS}) is set, else
   * null: unless {@code MAE_DIST_BACKEND} / {@code mae launch --backend} names one, NCCL for a CUDA device, Gloo
   * otherwise.
   */
  static @Nullable DistributedContext fromEnvironment(String device) {
    return DistributedEnvironment.fromSystem().map(e -> DistributedContext.connect(e, device)).orElse(null);
  }

  /** Whether this process prints the run's header and report (rank 0, or no job). */
  static boolean speaks(@Nullable DistributedContext c) {
    return c == null || c.isMain();
  }
}

package io.github.mae4j.torch.train;

import java.nio.file.Path;
import java.util.OptionalDouble;

/** Plans and settings shared by the trainer tests. */
final class TrainerFixtures {
  static final int SIDE = 4;
  static final int DIM = SIDE * SIDE;

  private TrainerFixtures() {}

  /** 3 epochs, 1 warmup epoch, lr 1e-2 → 1e-4, accumulation 2, seed 7. */
  static TrainingPlan plan() {
    return new TrainingPlan("toy", 3, 1, 1e-2, 1e-4, 0.05, 0.9, 0.95, 1e-8, 2, OptionalDouble.empty(), 7, "{}");
  }

  static TrainerSettings settings(Path dir) {
    return TrainerSettings.defaults(dir).withLogEvery(1).withPlot(false);
  }
}

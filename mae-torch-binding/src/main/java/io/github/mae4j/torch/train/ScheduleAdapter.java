package io.github.mae4j.torch.train;

/** Evaluates the recipe's learning-rate schedule (warmup + half-cycle cosine) for a {@link TrainingPlan}. */
final class ScheduleAdapter {
  private ScheduleAdapter() {}

  static double lrAt(TrainingPlan p, double epoch) {
    if (!(epoch >= 0)) {
      throw new IllegalArgumentException("epoch (" + epoch + ") must be >= 0");
    }
    if (epoch < p.warmupEpochs()) {
      return p.lr() * epoch / p.warmupEpochs();
    }
    if (epoch >= p.epochs()) {
      return p.minLr();
    }
    double progress = (epoch - p.warmupEpochs()) / (p.epochs() - p.warmupEpochs());
    return p.minLr() + (p.lr() - p.minLr()) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}

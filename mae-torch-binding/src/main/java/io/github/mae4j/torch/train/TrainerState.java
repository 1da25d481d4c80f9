package io.github.mae4j.torch.train;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Where a run stands: the schedule position and the running sums a checkpoint keeps. Mutable, trainer-owned. */
final class TrainerState {
  int epoch;
  long batchInEpoch;
  long iteration;
  long optimizerSteps;
  double epochLossSum;
  long epochLossCount;
  double lastLoss = Double.NaN;
  double lr;
  boolean resumed;
  @Nullable Path lastGoodCheckpoint;
}

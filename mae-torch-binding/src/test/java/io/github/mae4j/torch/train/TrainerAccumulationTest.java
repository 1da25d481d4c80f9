package io.github.mae4j.torch.train;

import static io.github.mae4j.torch.train.TrainerFixtures.DIM;
import static io.github.mae4j.torch.train.TrainerFixtures.SIDE;
import static io.github.mae4j.torch.train.TrainerFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerAccumulationTest {
  @TempDir Path dir;

  /** Batch i of {@code full} cut in {@code parts} consecutive pieces: batch i·parts + j is piece j. */
  static TrainingData split(RandomData full, int parts) {
    return new TrainingData() {
      @Override
      public long batchesPerEpoch() {
        return full.batchesPerEpoch() * parts;
      }

      @Override
      public int batchSize() {
        return full.batchSize() / parts;
      }

      @Override
      public Epoch epoch(int epoch, long firstBatch) {
        return new Epoch() {
          long next = firstBatch;

          @Override
          public @Nullable Tensor next() {
            if (next >= batchesPerEpoch()) {
              return null;
            }
            long i = next++;
            return full.batch(epoch, i / parts).narrow(0, (i % parts) * batchSize(), batchSize());
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  static float[] train(TrainingData data, int accumulation, Path out) throws Exception {
    // eps = 1 makes AdamW's update depend on the gradient's scale, so a missing 1/accumulation would show
    TrainingPlan plan = new TrainingPlan("toy", 2, 0, 1e-2, 1e-2, 0.05, 0.9, 0.95, 1.0, accumulation,
        OptionalDouble.of(10), 7, "{}");
    try (ToyModel m = new ToyModel(DIM, 1, false);
        Trainer t = new Trainer(plan, m, data, settings(out), ProgressReporter.silent())) {
      t.run();
      return m.weights();
    }
  }

  @Test
  void run_twoHalfBatchesAccumulated_updateLikeOneFullBatch() throws Exception {
    Torch.load();
    RandomData full = new RandomData(16, 3, SIDE, 5);
    float[] once = train(full, 1, dir.resolve("full"));
    float[] accumulated = train(split(full, 2), 2, dir.resolve("accum"));
    float[] start;
    try (ToyModel m = new ToyModel(DIM, 1, false)) {
      start = m.weights();
    }
    double moved = 0;
    for (int i = 0; i < once.length; i++) {
      assertThat(accumulated[i]).as("weight %d", i).isCloseTo(once[i], within(2e-6f));
      moved = Math.max(moved, Math.abs(once[i] - start[i]));
    }
    assertThat(moved).as("the runs changed the weights").isGreaterThan(1e-3);
  }
}

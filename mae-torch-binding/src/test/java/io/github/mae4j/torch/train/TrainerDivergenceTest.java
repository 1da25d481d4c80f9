package io.github.mae4j.torch.train;

import static io.github.mae4j.torch.train.TrainerFixtures.DIM;
import static io.github.mae4j.torch.train.TrainerFixtures.SIDE;
import static io.github.mae4j.torch.train.TrainerFixtures.plan;
import static io.github.mae4j.torch.train.TrainerFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.run.TensorData;
import io.github.mae4j.torch.run.TrainingDivergedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerDivergenceTest {
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  @Test
  void run_nanImagesInSecondEpoch_stopsNamingIterationEpochLrAndInputAndKeepsEpochCheckpoint() throws Exception {
    // batch 2 of epoch 1 is NaN: global iteration 5 + 2 = 7
    RandomData data = new RandomData(8, 5, SIDE, 3, (e, i) -> e == 1 && i == 2);
    CheckpointStore store = new CheckpointStore(dir);
    TrainingDivergedException e;
    try (ToyModel m = new ToyModel(DIM, 1);
        Trainer t = new Trainer(plan(), m, data, settings(dir), ProgressReporter.silent())) {
      e = catchThrowableOfType(TrainingDivergedException.class, t::run);
    }
    assertThat(e).isNotNull();
    assertThat(e.iteration()).isEqualTo(7);
    assertThat(e.epoch()).isEqualTo(1);
    assertThat(e.lr()).isEqualTo(plan().lrAt(1 + 2 / 5.0));
    assertThat(e.getMessage())
        .contains("iteration 7", "epoch 1", "lr " + String.format(java.util.Locale.ROOT, "%.4g", e.lr()),
            "input batch holds 128 non-finite pixel values", store.last().toString());
    assertThat(e.lastGoodCheckpoint()).contains(store.last());
    // the newest checkpoint is still the end of epoch 0, identical to the kept epoch copy, with finite weights
    TrainingCheckpoint last = CheckpointFile.read(store.last());
    assertThat(last.iteration()).isEqualTo(5);
    assertThat(last.model()).isEqualTo(CheckpointFile.read(store.epoch(1)).model());
    assertThat(finite(last)).isTrue();
  }

  @Test
  void run_hugeLearningRateAfterGoodCheckpoint_stopsAndNeverOverwritesTheGoodCheckpoint() throws Exception {
    RandomData data = new RandomData(8, 5, SIDE, 3);
    CheckpointStore store = new CheckpointStore(dir);
    try (ToyModel m = new ToyModel(DIM, 1);
        Trainer t = new Trainer(plan(), m, data, settings(dir).withMaxIterations(5), ProgressReporter.silent())) {
      t.run();
    }
    byte[] good = Files.readAllBytes(store.last());
    TrainingDivergedException e;
    try (ToyModel m = new ToyModel(DIM, 1);
        Trainer t = new Trainer(plan().withLr(1e10), m, data, settings(dir), ProgressReporter.silent())) {
      t.resume(CheckpointFile.read(store.last()));
      e = catchThrowableOfType(TrainingDivergedException.class, t::run);
    }
    assertThat(e).isNotNull();
    assertThat(e.iteration()).isGreaterThanOrEqualTo(5);
    assertThat(e.getMessage()).contains("training stopped", "lr ", "learning rate");
    assertThat(e.diagnosis()).doesNotContain("input batch");
    assertThat(Files.readAllBytes(store.last())).isEqualTo(good);
    assertThat(finite(CheckpointFile.read(store.last()))).isTrue();
  }

  private static boolean finite(TrainingCheckpoint c) {
    for (TensorData d : c.model().values()) {
      java.nio.FloatBuffer f = java.nio.ByteBuffer.wrap(d.bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer();
      while (f.hasRemaining()) {
        if (!Float.isFinite(f.get())) {
          return false;
        }
      }
    }
    return true;
  }
}

package io.github.mae4j.torch.train;

import static io.github.mae4j.torch.train.TrainerFixtures.DIM;
import static io.github.mae4j.torch.train.TrainerFixtures.SIDE;
import static io.github.mae4j.torch.train.TrainerFixtures.plan;
import static io.github.mae4j.torch.train.TrainerFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerResumeTest {
  // 5 batches per epoch with accumulation 2: windows cross epoch boundaries, 15 iterations in all
  static final RandomData DATA = new RandomData(8, 5, SIDE, 3);

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  record Run(List<Double> losses, float[] weights, RunSummary summary) {}

  private Run run(Path out, long maxIterations, Path resumeFrom, long modelSeed) throws Exception {
    List<Double> losses = new ArrayList<>();
    try (ToyModel m = new ToyModel(DIM, modelSeed);
        Trainer t = new Trainer(plan(), m, DATA, settings(out).withMaxIterations(maxIterations),
            ProgressReporter.silent())) {
      if (resumeFrom != null) {
        t.resume(CheckpointFile.read(resumeFrom));
      }
      t.onIteration((i, e, l, lr) -> losses.add(l));
      RunSummary s = t.run();
      return new Run(losses, m.weights(), s);
    }
  }

  @Test
  void run_stoppedMidEpochAndResumedInFreshTrainer_reproducesUninterruptedLosses() throws Exception {
    Run full = run(dir.resolve("full"), 0, null, 1);
    assertThat(full.losses()).hasSize(15);
    assertThat(full.summary().completed()).isTrue();

    Path part = dir.resolve("part");
    Run first = run(part, 6, null, 1);
    // iteration 6 is inside an accumulation window (batch 1 of epoch 1): the run stops at the next boundary, 7
    assertThat(first.summary().completed()).isFalse();
    assertThat(first.losses()).hasSize(7);
    TrainingCheckpoint ckpt = CheckpointFile.read(new CheckpointStore(part).last());
    assertThat(ckpt.iteration()).isEqualTo(7);
    assertThat(ckpt.epoch()).isEqualTo(1);
    assertThat(ckpt.batchInEpoch()).isEqualTo(2);

    // a fresh model initialized differently: everything must come from the checkpoint
    Run second = run(part, 0, new CheckpointStore(part).last(), 99);
    List<Double> joined = new ArrayList<>(first.losses());
    joined.addAll(second.losses());
    assertThat(joined).containsExactlyElementsOf(full.losses());
    assertThat(second.weights()).containsExactly(full.weights());
  }

  /** Runs {@code body} with {@code mae4j.adamw} set to {@code kind}, restoring it afterwards. */
  private static <T> T withAdamW(String kind, java.util.concurrent.Callable<T> body) throws Exception {
    return io.github.mae4j.torch.TestProperties.with("mae4j.adamw", kind, body);
  }

  @Test
  void resume_checkpointOfLibtorchAdamW_continuesWithTheFusedOneToTheSameLosses() throws Exception {
    // checkpoints written before the fused AdamW (libtorch's archive of libtorch's AdamW) resume with it, and the
    // fused kernel's updates equal libtorch's: the joined losses match an uninterrupted libtorch run
    org.junit.jupiter.api.Assumptions.assumeTrue(io.github.mae4j.torch.internal.FusedAdamW.available());
    Run full = withAdamW("libtorch", () -> run(dir.resolve("full"), 0, null, 1));
    Path part = dir.resolve("part");
    Run first = withAdamW("libtorch", () -> run(part, 6, null, 1));
    Run second = withAdamW("fused", () -> run(part, 0, new CheckpointStore(part).last(), 99));
    List<Double> joined = new ArrayList<>(first.losses());
    joined.addAll(second.losses());
    assertThat(joined).hasSameSizeAs(full.losses());
    for (int i = 0; i < joined.size(); i++) {
      assertThat(joined.get(i)).as("loss %d", i)
          .isCloseTo(full.losses().get(i), org.assertj.core.api.Assertions.withinPercentage(1e-3));
    }
    float[] w = second.weights();
    float[] ref = full.weights();
    for (int i = 0; i < w.length; i++) {
      assertThat((double) w[i]).isCloseTo(ref[i], org.assertj.core.api.Assertions.within(1e-6));
    }
  }

  @Test
  void run_killedAfterEpochCheckpoint_resumesFromItToSameLosses() throws Exception {
    Run full = run(dir.resolve("full"), 0, null, 1);
    Path killed = dir.resolve("killed");
    List<Double> before = new ArrayList<>();
    try (ToyModel m = new ToyModel(DIM, 1);
        Trainer t = new Trainer(plan(), m, DATA, settings(killed), ProgressReporter.silent())) {
      t.onIteration((i, e, l, lr) -> {
        if (i == 12) {
          throw new IllegalStateException("killed");
        }
        before.add(l);
      });
      assertThatThrownBy(t::run).hasMessage("killed");
    }
    // the newest checkpoint is the end of epoch 2 (iteration 10); iterations 10 and 11 ran past it
    TrainingCheckpoint ckpt = CheckpointFile.read(new CheckpointStore(killed).last());
    assertThat(ckpt.iteration()).isEqualTo(10);
    Run resumed = run(killed, 0, new CheckpointStore(killed).last(), 42);
    assertThat(resumed.losses()).containsExactlyElementsOf(full.losses().subList(10, 15));
    assertThat(resumed.weights()).containsExactly(full.weights());
    // the metrics log holds each iteration once, in order, though 10 and 11 were logged twice
    List<Long> iters = MetricsLog.read(killed.resolve("metrics.jsonl")).stream()
        .filter(MetricsRecord::isIteration).map(MetricsRecord::iter).toList();
    assertThat(iters).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
  }

  @Test
  void resume_checkpointOfOtherModel_isRefusedNamingTensors() throws Exception {
    run(dir.resolve("a"), 0, null, 1);
    TrainingCheckpoint ckpt = CheckpointFile.read(new CheckpointStore(dir.resolve("a")).last());
    try (ToyModel other = new ToyModel(DIM * 4, 1);
        Trainer t = new Trainer(plan(), other, new RandomData(8, 5, SIDE * 2, 3), settings(dir.resolve("b")),
            ProgressReporter.silent())) {
      assertThatThrownBy(() -> t.resume(ckpt))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("weight").hasMessageContaining("[16, 16]").hasMessageContaining("[64, 64]");
    }
  }
}

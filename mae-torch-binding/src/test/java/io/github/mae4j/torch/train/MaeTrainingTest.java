package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer on the real masked autoencoder (a tiny one): stop-and-resume equality and a falling loss. */
class MaeTrainingTest {
  static final MaeConfig CONFIG = MaeConfig.builder().imageSize(8).patchSize(2).inChannels(1)
      .encoder(e -> e.embedDim(16).depth(1).numHeads(2))
      .decoder(d -> d.embedDim(16).depth(1).numHeads(2)).build();
  static final TrainingPlan PLAN = new TrainingPlan("tiny-mae", 2, 0.5, 5e-3, 1e-4, 0.05, 0.9, 0.95, 1e-8, 1,
      OptionalDouble.of(1.0), 11, "{}");
  static final RandomData DATA = new RandomData(4, 4, 8, 2);

  @TempDir Path dir;

  private List<Double> run(Path out, long maxIterations, boolean resume, long modelSeed) throws Exception {
    List<Double> losses = new ArrayList<>();
    try (PretrainModel m = MaeModels.pretrainable(MaskedAutoencoder.create(CONFIG, modelSeed));
        Trainer t = new Trainer(PLAN, m, DATA,
            TrainerFixtures.settings(out).withMaxIterations(maxIterations), ProgressReporter.silent())) {
      if (resume) {
        t.resume(CheckpointFile.read(new CheckpointStore(out).last()));
      }
      t.onIteration((i, e, l, lr) -> losses.add(l));
      t.run();
    }
    return losses;
  }

  @Test
  void run_maeStoppedAndResumed_reproducesUninterruptedLossesExactly() throws Exception {
    List<Double> full = run(dir.resolve("full"), 0, false, 1);
    assertThat(full).hasSize(8);
    List<Double> joined = new ArrayList<>(run(dir.resolve("part"), 3, false, 1));
    assertThat(joined).hasSize(3);
    joined.addAll(run(dir.resolve("part"), 0, true, 123));
    assertThat(joined).containsExactlyElementsOf(full);
  }
}

package io.github.mae4j.torch.train;

import static io.github.mae4j.torch.train.TrainerFixtures.DIM;
import static io.github.mae4j.torch.train.TrainerFixtures.SIDE;
import static io.github.mae4j.torch.train.TrainerFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.api.schedule.LrSchedule;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerScheduleTest {
  @TempDir Path dir;

  @Test
  void run_everyIteration_setsScheduleLrOnBothGroupsAtEachAccumulationWindowStart() throws Exception {
    Torch.load();
    // 4 epochs of 6 batches, 2 warmup epochs, accumulation 3: lr changes every 3 batches
    TrainingPlan plan = new TrainingPlan("toy", 4, 2, 4e-3, 1e-5, 0.05, 0.9, 0.95, 1e-8, 3,
        OptionalDouble.empty(), 7, "{}");
    LrSchedule schedule = new LrSchedule(4e-3, 1e-5, 2, 4);
    List<double[]> seen = new ArrayList<>();
    try (ToyModel m = new ToyModel(DIM, 1);
        Trainer t = new Trainer(plan, m, new RandomData(4, 6, SIDE, 3), settings(dir), ProgressReporter.silent())) {
      t.onIteration((i, e, l, lr) -> seen.add(new double[] {i, e, lr, t.lrOfGroup(0), t.lrOfGroup(1)}));
      t.run();
    }
    assertThat(seen).hasSize(24);
    for (double[] s : seen) {
      long i = (long) s[0];
      long batch = i % 6;
      double expected = schedule.at(s[1] + (batch - batch % 3) / 6.0);
      assertThat(s[2]).as("lr at iteration %d", i).isEqualTo(expected);
      assertThat(s[3]).as("decay group lr at iteration %d", i).isEqualTo(expected);
      assertThat(s[4]).as("no-decay group lr at iteration %d", i).isEqualTo(expected);
    }
    // by hand: warmup is linear from 0 (iteration 0) to the peak at epoch 2; then cosine down
    assertThat(seen.get(0)[2]).isEqualTo(0.0);
    assertThat(seen.get(3)[2]).isCloseTo(4e-3 * 0.5 / 2, within(1e-15));
    assertThat(seen.get(12)[2]).isCloseTo(4e-3, within(1e-15));
    assertThat(seen.get(18)[2]).isCloseTo(1e-5 + (4e-3 - 1e-5) * 0.5 * (1 + Math.cos(Math.PI * 0.5)), within(1e-15));
  }

  @Test
  void of_recipe_takesLrAccumulationBetasAndWeightDecayFromIt() {
    var recipe = io.github.mae4j.api.recipe.PretrainRecipe.builder().name("t").epochs(10).warmupEpochs(2)
        .baseLearningRate(1.5e-4).effectiveBatchSize(512).batchSizePerStep(64).build();
    TrainingPlan p = TrainingPlan.of(recipe);
    assertThat(p.lr()).isEqualTo(1.5e-4 * 512 / 256);
    assertThat(p.accumulationSteps()).isEqualTo(8);
    assertThat(p.beta1()).isEqualTo(0.9);
    assertThat(p.beta2()).isEqualTo(0.95);
    assertThat(p.weightDecay()).isEqualTo(0.05);
    assertThat(p.lrAt(1)).isEqualTo(recipe.lrSchedule().at(1));
  }
}

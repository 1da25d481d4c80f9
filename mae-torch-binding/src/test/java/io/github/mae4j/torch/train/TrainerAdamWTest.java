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
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerAdamWTest {
  @TempDir Path dir;

  @Test
  void constructor_planBetas_areWhatEveryParamGroupRunsWith() throws Exception {
    Torch.load();
    TrainingPlan plan = new TrainingPlan("toy", 1, 0, 0.01, 0.0, 0.05, 0.9, 0.95, 1e-8, 1, OptionalDouble.empty(), 7,
        "{}");
    try (ToyModel m = new ToyModel(DIM, 1, false);
        Trainer t = new Trainer(plan, m, new RandomData(8, 1, SIDE, 4), settings(dir), ProgressReporter.silent())) {
      assertThat(t.optimizer.groupCount()).isEqualTo(2);
      for (int g = 0; g < 2; g++) {
        assertThat(t.optimizer.betas(g)).as("group %d", g).containsExactly(0.9, 0.95);
      }
      assertThat(t.optimizer.weightDecay(0)).isEqualTo(0.05);
      assertThat(t.optimizer.weightDecay(1)).isEqualTo(0.0);
    }
  }

  @Test
  void run_oneStep_appliesAdamWWithDecayOnWeightsOnlyAtTheScheduledLr() throws Exception {
    Torch.load();
    double lr = 0.01;
    double wd = 0.05;
    double eps = 1e-8;
    RandomData data = new RandomData(8, 1, SIDE, 4);
    // the gradient at the start, from an identical model
    float[] w0;
    float[] b0;
    float[] gw;
    float[] gb;
    try (ToyModel ref = new ToyModel(DIM, 1, false); PointerScope ignored = new PointerScope()) {
      w0 = ref.weights();
      b0 = ref.biases();
      ref.loss(data.batch(0, 0), null).backward();
      gw = ToyModel.values(ref.weight.grad());
      gb = ToyModel.values(ref.bias.grad());
    }
    TrainingPlan plan = new TrainingPlan("toy", 1, 0, lr, lr, wd, 0.9, 0.95, eps, 1, OptionalDouble.empty(), 7,
        "{}");
    try (ToyModel m = new ToyModel(DIM, 1, false);
        Trainer t = new Trainer(plan, m, data, settings(dir), ProgressReporter.silent())) {
      t.run();
      float[] w1 = m.weights();
      float[] b1 = m.biases();
      // step 1 of AdamW: m̂ = g, v̂ = g², so p ← p·(1 − lr·wd) − lr · g / (|g| + eps)
      for (int i = 0; i < w1.length; i++) {
        double expected = w0[i] * (1 - lr * wd) - lr * gw[i] / (Math.abs(gw[i]) + eps);
        assertThat((double) w1[i]).as("weight %d", i).isCloseTo(expected, within(1e-6));
      }
      for (int i = 0; i < b1.length; i++) {
        double expected = b0[i] - lr * gb[i] / (Math.abs(gb[i]) + eps);
        assertThat((double) b1[i]).as("bias %d", i).isCloseTo(expected, within(1e-6));
      }
    }
  }
}

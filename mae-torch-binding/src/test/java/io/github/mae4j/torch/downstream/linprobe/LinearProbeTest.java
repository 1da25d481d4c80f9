package io.github.mae4j.torch.downstream.linprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.run.ProgressReporter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class LinearProbeTest {
  /** Three Gaussian blobs in 8-D with a large common offset (BatchNorm removes it). */
  static Tensor[] blobs(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * 8];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      y[i] = c;
      for (int d = 0; d < 8; d++) {
        x[i * 8 + d] = (float) (50 + (d == c ? 3 : 0) + 0.5 * r.nextGaussian());
      }
    }
    return new Tensor[] {Tensors.floats(x, n, 8), Tensors.longs(y, n)};
  }

  @Test
  void names_batchNormHead_followReference() {
    try (LinearProbe p = new LinearProbe(8, 3, true, 0)) {
      List<String> names = new ArrayList<>();
      var dict = p.module().named_parameters(true);
      for (long i = 0; i < dict.size(); i++) {
        names.add(dict.get(i).key().getString());
      }
      assertThat(names).containsExactly("head.1.weight", "head.1.bias"); // BatchNorm has no affine parameters
      assertThat(p.module().named_buffers(true).contains("head.0.running_mean")).isTrue();
    }
  }

  @Test
  void train_separableFeatures_reachesHighAccuracy() {
    Tensor[] train = blobs(600, 1);
    Tensor[] test = blobs(300, 2);
    LinearProbeRecipe recipe = LinearProbeRecipe.builder()
        .model(MaeConfig.tiny()).normalization(Normalization.identity(3)).numClasses(3)
        .epochs(30).warmupEpochs(3).effectiveBatchSize(64).batchSizePerStep(64).baseLearningRate(4.0).build();
    List<EpochStats> seen = new ArrayList<>();
    try (LinearProbe p = new LinearProbe(8, 3, true, 0)) {
      RunResult r = p.train(recipe, train[0], train[1], test[0], test[1], seen::add);
      assertThat(seen).hasSize(30);
      assertThat(seen.get(29).trainLoss()).isLessThan(seen.get(0).trainLoss());
      assertThat(r.top1()).isGreaterThan(0.95);
      assertThat(r.top5()).isEqualTo(1.0);
    }
  }

  @Test
  void train_withStepProgress_reportsEveryStepWithItsLossAndLrAndFinishes() {
    Tensor[] train = blobs(96, 3);
    LinearProbeRecipe recipe = LinearProbeRecipe.builder()
        .model(MaeConfig.tiny()).normalization(Normalization.identity(3)).numClasses(3)
        .epochs(2).warmupEpochs(1).effectiveBatchSize(32).batchSizePerStep(32).baseLearningRate(4.0).build();
    List<ProgressReporter.Snapshot> steps = new ArrayList<>();
    List<EpochStats> epochs = new ArrayList<>();
    boolean[] finished = {false};
    ProgressReporter recorder = new ProgressReporter() {
      @Override
      public void update(Snapshot s) {
        steps.add(s);
      }

      @Override
      public void message(String text) {}

      @Override
      public void finish() {
        finished[0] = true;
      }
    };
    try (LinearProbe p = new LinearProbe(8, 3, true, 0)) {
      p.train(recipe, train[0], train[1], train[0], train[1], epochs::add, RunDirectory.none(), recorder);
    }
    // 96 samples in batches of 32: 3 steps an epoch, 6 in all
    assertThat(steps).extracting(ProgressReporter.Snapshot::iter).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(steps).extracting(ProgressReporter.Snapshot::epoch).containsExactly(0, 0, 0, 1, 1, 1);
    assertThat(steps).allSatisfy(s -> {
      assertThat(s.totalIters()).isEqualTo(6);
      assertThat(s.loss()).isFinite().isPositive();
    });
    // warmup over the first epoch: lr = 0.5 · s / 3 (peak 4 · 32 / 256), then the cosine
    assertThat(steps).extracting(ProgressReporter.Snapshot::lr).startsWith(0.0, 0.5 / 3, 1.0 / 3);
    for (int e = 0; e < 2; e++) {
      double mean = steps.subList(3 * e, 3 * e + 3).stream().mapToDouble(ProgressReporter.Snapshot::loss).average()
          .orElseThrow();
      assertThat(epochs.get(e).trainLoss()).isCloseTo(mean, within(1e-6));
    }
    assertThat(steps.get(5).etaSec()).isZero();
    assertThat(finished[0]).isTrue();
  }
}

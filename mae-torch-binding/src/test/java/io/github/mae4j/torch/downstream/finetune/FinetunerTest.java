package io.github.mae4j.torch.downstream.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.OptimizerSpec;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.ToyData;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import io.github.mae4j.torch.run.ProgressReporter;
import org.junit.jupiter.api.Test;

class FinetunerTest {
  static FinetuneRecipe toyRecipe() {
    MaeConfig model = MaeConfig.builder().imageSize(8).patchSize(4).inChannels(1)
        .encoder(e -> e.embedDim(16).depth(2).numHeads(2)).decoder(d -> d.embedDim(8).depth(1).numHeads(2)).build();
    return FinetuneRecipe.builder().model(model).normalization(Normalization.identity(1)).numClasses(2)
        .epochs(6).warmupEpochs(1).effectiveBatchSize(32).batchSizePerStep(16).baseLearningRate(0.1)
        .layerDecay(0.75).dropPath(0.1).labelSmoothing(0.1).mixup(0.8).cutmix(1.0)
        .optimizer(OptimizerSpec.adamw(0.9, 0.999, 0.05))
        // the toy's classes are left vs right: no flip; no crop, to keep the toy's signal in every image
        .augmentation(Augmentation.builder().randomResizedCrop(false).horizontalFlip(false).randomErasing(0.25)
            .build()).build();
  }

  @Test
  void run_separableToy_reachesHighAccuracyWithMixupAndEma() {
    LabeledImages train = ToyData.halves(512, 1);
    LabeledImages test = ToyData.halves(200, 2);
    FinetuneRecipe recipe = toyRecipe();
    List<EpochStats> seen = new ArrayList<>();
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      RunResult r = Finetuner.run(m, recipe, train, test, OptionalDouble.empty(), seen::add);
      assertThat(seen).hasSize(6);
      assertThat(r.top1()).isGreaterThan(0.95);
    }
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      RunResult r = Finetuner.run(m, recipe, train, test, OptionalDouble.of(0.9), e -> {});
      assertThat(r.top1()).isGreaterThan(0.9);
    }
  }

  @Test
  void run_withStepProgress_reportsEveryStepWithItsLossLrAndAnEtaThatReachesZero() {
    FinetuneRecipe recipe = toyRecipe().toBuilder().epochs(2).build();
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
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      Finetuner.run(m, recipe, ToyData.halves(64, 7), ToyData.halves(16, 8), OptionalDouble.empty(), false,
          epochs::add, io.github.mae4j.torch.downstream.checkpoint.RunDirectory.none(), recorder);
    }
    // 64 images in batches of 16: 4 steps an epoch (2 optimizer updates of 32), 8 in all
    assertThat(steps).extracting(ProgressReporter.Snapshot::iter).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(steps).extracting(ProgressReporter.Snapshot::epoch).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
    assertThat(steps).allSatisfy(s -> {
      assertThat(s.totalIters()).isEqualTo(8);
      assertThat(s.epochs()).isEqualTo(2);
      assertThat(s.loss()).isFinite().isPositive();
      assertThat(s.imagesPerSec()).isPositive();
    });
    // the epoch's mean loss is the mean of its steps' losses; its lr is the last step's
    for (int e = 0; e < 2; e++) {
      double mean = steps.subList(4 * e, 4 * e + 4).stream().mapToDouble(ProgressReporter.Snapshot::loss).average()
          .orElseThrow();
      assertThat(epochs.get(e).trainLoss()).isCloseTo(mean, within(1e-6));
      assertThat(epochs.get(e).learningRate()).isEqualTo(steps.get(4 * e + 3).lr());
    }
    assertThat(steps.get(0).lr()).isZero(); // warmup starts at 0
    assertThat(steps.get(7).etaSec()).isZero();
    assertThat(steps.get(0).etaSec()).isPositive();
    assertThat(finished[0]).isTrue();
  }

  @Test
  void run_partialLastBlock_leavesFrozenWeightsUnchanged() {
    LabeledImages train = ToyData.halves(256, 3);
    LabeledImages test = ToyData.halves(100, 4);
    FinetuneRecipe recipe = toyRecipe();
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      m.freezeAllButLastBlocks(1);
      float[] frozenBefore = Tensors.toFloatArray(m.namedParameters().get("blocks.0.attn.qkv.weight"));
      float[] trainedBefore = Tensors.toFloatArray(m.namedParameters().get("blocks.1.attn.qkv.weight"));
      RunResult r = Finetuner.run(m, recipe, train, test, OptionalDouble.empty(), e -> {});
      assertThat(Tensors.toFloatArray(m.namedParameters().get("blocks.0.attn.qkv.weight"))).containsExactly(frozenBefore);
      assertThat(Tensors.toFloatArray(m.namedParameters().get("blocks.1.attn.qkv.weight"))).isNotEqualTo(trainedBefore);
      assertThat(r.top1()).isGreaterThan(0.8);
    }
  }

  @Test
  void run_withRandAugment_stillLearnsTheToy() {
    // the toy's values (±1 plus noise) are pixels x·0.5 + 0.5 under this normalization: RandAugment sees [0, 1]
    FinetuneRecipe recipe = toyRecipe().toBuilder().normalization(Normalization.of(new double[] {0.5},
            new double[] {0.5}))
        .augmentation(Augmentation.builder().randomResizedCrop(false).horizontalFlip(false)
            .randAugment("rand-m9-mstd0.5-inc1").randomErasing(0.25).build())
        .build();
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      RunResult r = Finetuner.run(m, recipe, ToyData.halves(512, 5), ToyData.halves(100, 6), OptionalDouble.empty(),
          false, e -> {});
      assertThat(r.epochs()).hasSize(6);
      assertThat(r.epochs().get(0).testTop1()).isNaN();
      assertThat(r.top1()).isGreaterThan(0.8);
    }
  }

  @Test
  void randAugment_levelZeroOps_roundTripsNormalization() {
    var ra = new io.github.mae4j.torch.downstream.aug.RandAugment(0, 0, 0, new java.util.SplittableRandom(0));
    var x = Tensors.floats(new float[] {-1f, 0f, 1.5f, 2f}, 1, 1, 2, 2);
    // no ops: pixels = x·0.5 + 0.5 ∈ [0, 1.5] are clamped to [0, 1], then normalized back
    float[] out = Tensors.toFloatArray(Finetuner.randAugment(ra, x, new double[] {0.5}, new double[] {0.5}));
    assertThat(out).containsExactly(-1f, 0f, 1f, 1f);
  }

  @Test
  void randAugment_translate_fillsWithTheNormalizationMean() {
    // a generator that always draws op 13 (TRANSLATE_X), fires it and keeps the positive sign (content moves left)
    java.util.random.RandomGenerator fixed = new java.util.random.RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public int nextInt(int bound) {
        return 13;
      }

      @Override
      public double nextDouble() {
        return 0;
      }

      @Override
      public boolean nextBoolean() {
        return false;
      }
    };
    var ra = new io.github.mae4j.torch.downstream.aug.RandAugment(1, 10, 0, fixed);
    assertThat(io.github.mae4j.torch.downstream.aug.RandAugment.Op.values()[13].name()).isEqualTo("TRANSLATE_X");
    float[] v = new float[10];
    java.util.Arrays.fill(v, 0.6f); // pixel 0.8 under mean 0.5, std 0.5
    // m 10 → 0.45·10 = 4.5 px to the left: column x samples x + 5 (pixel centres at x + 0.5), so columns 0–4 keep
    // the (constant) image and 5–9 sample beyond the right edge: the fill
    float[] out = Tensors.toFloatArray(Finetuner.randAugment(ra, Tensors.floats(v, 1, 1, 1, 10),
        new double[] {0.5}, new double[] {0.5}));
    float fill = (128 / 255f - 0.5f) / 0.5f; // 127.5 rounds half to even → 128
    for (int x = 0; x < 5; x++) {
      assertThat(out[x]).as("column %d", x).isCloseTo(0.6f, within(1e-5f));
    }
    for (int x = 5; x < 10; x++) {
      assertThat(out[x]).as("column %d", x).isCloseTo(fill, within(1e-5f));
    }
  }

  @Test
  void run_classCountMismatch_throws() {
    FinetuneRecipe recipe = toyRecipe();
    try (VitClassifier m = Finetuner.newClassifier(recipe.withNumClasses(3))) {
      assertThatThrownBy(() -> Finetuner.run(m, recipe, ToyData.halves(64, 1), ToyData.halves(8, 1),
          OptionalDouble.empty(), e -> {}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numClasses (2)");
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 3})
  void run_nonSquare28x20_cropsFlipsMixesAndTrainsAClassifierOfThatShape(int c) {
    MaeConfig model = MaeConfig.builder().imageSize(28).imageWidth(20).patchSize(4).inChannels(c)
        .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(8).depth(1).numHeads(2)).build();
    FinetuneRecipe recipe = toyRecipe().toBuilder().model(model).normalization(Normalization.identity(c))
        .epochs(1).warmupEpochs(0)
        .augmentation(Augmentation.builder().randomResizedCrop(true).horizontalFlip(true).randomErasing(0.25)
            .build()).build();
    org.bytedeco.pytorch.GeneratorOptional g = new org.bytedeco.pytorch.GeneratorOptional(
        org.bytedeco.pytorch.global.torch.createCPUGenerator(c));
    // sources larger than the model's size: the random resized crop brings them to 28×20
    LabeledImages train = new LabeledImages(org.bytedeco.pytorch.global.torch.rand(new long[] {32, c, 36, 30}, g),
        org.bytedeco.pytorch.global.torch.arange(new org.bytedeco.pytorch.Scalar(32)).remainder(
            new org.bytedeco.pytorch.Scalar(2)).to(org.bytedeco.pytorch.global.torch.ScalarType.Long));
    LabeledImages test = new LabeledImages(org.bytedeco.pytorch.global.torch.rand(new long[] {8, c, 28, 20}, g),
        org.bytedeco.pytorch.global.torch.arange(new org.bytedeco.pytorch.Scalar(8)).remainder(
            new org.bytedeco.pytorch.Scalar(2)).to(org.bytedeco.pytorch.global.torch.ScalarType.Long));
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      float[] before = Tensors.toFloatArray(m.namedParameters().get("patch_embed.proj.weight").detach().clone());
      RunResult r = Finetuner.run(m, recipe, train, test, OptionalDouble.empty(), e -> {});
      assertThat(r.epochs()).hasSize(1);
      assertThat(r.epochs().get(0).trainLoss()).isFinite().isPositive();
      assertThat(r.top1()).isBetween(0.0, 100.0);
      assertThat(Tensors.toFloatArray(m.namedParameters().get("patch_embed.proj.weight")))
          .hasSize(16 * c * 16).isNotEqualTo(before);
    }
  }
}

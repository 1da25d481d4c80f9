package io.github.mae4j.torch.downstream.linprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.ToyData;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.eval.Evaluation;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference probe protocol: features of crop/flipped images computed every step by the frozen encoder. */
class LinearProbeAugmentedTest {
  @TempDir Path dir;

  private static final MaeConfig MODEL = MaeConfig.builder().imageSize(8).patchSize(4).inChannels(1)
      .encoder(e -> e.embedDim(16).depth(2).numHeads(2)).decoder(d -> d.embedDim(8).depth(1).numHeads(2)).build();

  private static final class Stop extends RuntimeException {}

  @BeforeAll
  static void load() {
    Torch.load();
  }

  private static LinearProbeRecipe recipe(Augmentation aug) {
    return LinearProbeRecipe.builder().model(MODEL).normalization(Normalization.identity(1)).numClasses(2)
        .epochs(3).warmupEpochs(1).effectiveBatchSize(32).batchSizePerStep(32).baseLearningRate(4.0)
        .augmentation(aug).build();
  }

  @Test
  void trainAugmented_withoutCropOrFlip_equalsTrainingOnPrecomputedFeatures() throws java.io.IOException {
    LabeledImages train = ToyData.halves(96, 1);
    LabeledImages test = ToyData.halves(40, 2);
    LinearProbeRecipe r = recipe(Augmentation.none());
    try (VitClassifier enc = new VitClassifier(MODEL, 2, Pooling.AVERAGE, 0.0, 5)) {
      Tensor trainF = Evaluation.features(enc, train.images(), 64);
      Tensor testF = Evaluation.features(enc, test.images(), 64);
      RunResult a;
      float[] wa;
      try (LinearProbe p = new LinearProbe(16, 2, true, 0)) {
        a = p.train(r, trainF, train.labels(), testF, test.labels(), e -> {});
        wa = Tensors.toFloatArray(p.namedTensors().get("head.1.weight"));
      }
      try (LinearProbe p = new LinearProbe(16, 2, true, 0)) {
        RunResult b = p.trainAugmented(r, enc, train, testF, test.labels(), e -> {}, RunDirectory.none());
        // the encoder sees batches of 32 here and 64 above: GEMMs may round the last bit differently
        assertThat(Tensors.toFloatArray(p.namedTensors().get("head.1.weight"))).containsExactly(wa, within(1e-6f));
        assertThat(b.top1()).isEqualTo(a.top1());
        for (int i = 0; i < 3; i++) {
          assertThat(b.epochs().get(i).trainLoss()).isCloseTo(a.epochs().get(i).trainLoss(), within(1e-5));
        }
      }
    }
  }

  @Test
  void trainAugmented_cropAndFlip_changeTheFeaturesAndResumeExactly() throws java.io.IOException {
    LabeledImages train = ToyData.halves(96, 3);
    LabeledImages test = ToyData.halves(40, 4);
    LinearProbeRecipe plain = recipe(Augmentation.none());
    LinearProbeRecipe aug = recipe(Augmentation.builder().cropScaleMin(0.5).build());
    try (VitClassifier enc = new VitClassifier(MODEL, 2, Pooling.AVERAGE, 0.0, 5)) {
      Tensor testF = Evaluation.features(enc, test.images(), 64);
      RunResult base;
      try (LinearProbe p = new LinearProbe(16, 2, true, 0)) {
        base = p.trainAugmented(plain, enc, train, testF, test.labels(), e -> {}, RunDirectory.none());
      }
      RunResult whole;
      try (LinearProbe p = new LinearProbe(16, 2, true, 0)) {
        whole = p.trainAugmented(aug, enc, train, testF, test.labels(), e -> {},
            RunDirectory.create(dir.resolve("a"), Map.of()));
      }
      // the crops and flips reach the features: the first epoch's loss (lr 0 at its start) differs
      assertThat(whole.epochs().get(0).trainLoss()).isNotEqualTo(base.epochs().get(0).trainLoss());
      Path b = dir.resolve("b");
      try (LinearProbe p = new LinearProbe(16, 2, true, 0)) {
        assertThatThrownBy(() -> p.trainAugmented(aug, enc, train, testF, test.labels(), e -> {
          throw new Stop();
        }, RunDirectory.create(b, Map.of()))).isInstanceOf(Stop.class);
      }
      try (LinearProbe p = new LinearProbe(16, 2, true, 7)) {
        RunResult r = p.trainAugmented(aug, enc, train, testF, test.labels(), e -> {}, RunDirectory.resume(b));
        assertThat(r.top1()).isEqualTo(whole.top1());
        for (int i = 0; i < 3; i++) {
          assertThat(r.epochs().get(i).trainLoss()).isEqualTo(whole.epochs().get(i).trainLoss());
        }
      }
      // a run on precomputed features is not resumed as an augmented one
      try (LinearProbe p = new LinearProbe(16, 2, true, 0)) {
        Tensor trainF = Evaluation.features(enc, train.images(), 64);
        assertThatThrownBy(() -> p.train(aug, trainF, train.labels(), testF, test.labels(), e -> {},
            RunDirectory.resume(b))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features");
      }
    }
  }
}

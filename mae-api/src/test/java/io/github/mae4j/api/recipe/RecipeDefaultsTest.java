package io.github.mae4j.api.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.github.mae4j.api.MaeConfig;
import org.junit.jupiter.api.Test;

/** Defaults of the value types are the paper's ViT-B/16 numbers; derived values follow the stated rules. */
class RecipeDefaultsTest {

  @Test
  void pretrainBuilder_defaults_arePaperTable8() {
    PretrainRecipe r = PretrainRecipe.builder().build();

    assertThat(r.getKind()).isEqualTo(RecipeKind.PRETRAIN);
    assertThat(r.getModel()).isEqualTo(MaeConfig.vitB16());
    assertThat(r.getEpochs()).isEqualTo(800);
    assertThat(r.getWarmupEpochs()).isEqualTo(40);
    assertThat(r.getBaseLearningRate()).isEqualTo(1.5e-4);
    assertThat(r.getMinLearningRate()).isEqualTo(0.0);
    assertThat(r.getEffectiveBatchSize()).isEqualTo(4096);
    assertThat(r.getOptimizer().getType()).isEqualTo(OptimizerType.ADAMW);
    assertThat(r.getOptimizer().getBeta1()).isEqualTo(0.9);
    assertThat(r.getOptimizer().getBeta2()).isEqualTo(0.95);
    assertThat(r.getOptimizer().getWeightDecay()).isEqualTo(0.05);
    assertThat(r.getOptimizer().isExcludeBiasNormAndTokens()).isTrue();
    assertThat(r.getAugmentation().getCropScaleMin()).isEqualTo(0.2);
    assertThat(r.getAugmentation().getCropScaleMax()).isEqualTo(1.0);
    assertThat(r.getAugmentation().getInterpolation()).isEqualTo(Interpolation.BICUBIC);
    assertThat(r.getAugmentation().isHorizontalFlip()).isTrue();
    assertThat(r.getAugmentation().getRandAugment()).isEmpty();
    assertThat(r.getNormalization().getMean()).containsExactly(0.485, 0.456, 0.406);
    assertThat(r.getNormalization().getStd()).containsExactly(0.229, 0.224, 0.225);
  }

  @Test
  void getLearningRate_linearScalingRule_blrTimesBatchOver256() {
    // 1.5e-4 × 4096 / 256 = 2.4e-3
    assertThat(PretrainRecipe.builder().build().getLearningRate()).isCloseTo(2.4e-3, offset(1e-15));
    // 1.5e-4 × 1024 / 256 = 6e-4
    assertThat(PretrainRecipe.builder().effectiveBatchSize(1024).build().getLearningRate())
        .isCloseTo(6e-4, offset(1e-15));
  }

  @Test
  void getAccumulationSteps_effectiveOverPerStepTimesDevices() {
    PretrainRecipe r = PretrainRecipe.builder().batchSizePerStep(128).devices(4).build();

    assertThat(r.getAccumulationSteps()).isEqualTo(8); // 4096 / (128 × 4)
    assertThat(PretrainRecipe.builder().build().getAccumulationSteps()).isEqualTo(64); // 4096 / 64
  }

  @Test
  void withEpochs_keepsEverythingElse() {
    PretrainRecipe original = PretrainRecipe.builder().name("x").batchSizePerStep(256).seed(7).build();

    PretrainRecipe shorter = original.withEpochs(400);

    assertThat(shorter.getEpochs()).isEqualTo(400);
    assertThat(original.getEpochs()).isEqualTo(800);
    assertThat(shorter).usingRecursiveComparison().ignoringFields("epochs").isEqualTo(original);
    assertThat(shorter.toBuilder().epochs(800).build()).isEqualTo(original);
  }

  @Test
  void lrSchedule_followsRecipe() {
    PretrainRecipe r = PretrainRecipe.builder().build();

    assertThat(r.lrSchedule().at(0.0)).isZero();
    assertThat(r.lrSchedule().at(40.0)).isCloseTo(2.4e-3, offset(1e-15));
    assertThat(r.lrSchedule().at(420.0)).isCloseTo(1.2e-3, offset(1e-15));
    assertThat(r.lrSchedule().at(800.0)).isZero();
  }

  @Test
  void updatesPerEpoch_dropsLastPartialBatchAndHonoursCap() {
    PretrainRecipe r = PretrainRecipe.builder().build();

    assertThat(r.updatesPerEpoch(1_281_167)).isEqualTo(312); // ImageNet-1k train / 4096
    assertThat(r.withImagesPerEpoch(8192).updatesPerEpoch(1_281_167)).isEqualTo(2);
  }

  @Test
  void finetuneBuilder_defaults_areReferenceVitB() {
    FinetuneRecipe r = FinetuneRecipe.builder().build();

    assertThat(r.getKind()).isEqualTo(RecipeKind.FINETUNE);
    assertThat(r.getEpochs()).isEqualTo(100);
    assertThat(r.getWarmupEpochs()).isEqualTo(5);
    assertThat(r.getBaseLearningRate()).isEqualTo(5e-4);
    assertThat(r.getLearningRate()).isCloseTo(2e-3, offset(1e-15)); // 5e-4 × 1024 / 256
    assertThat(r.getMinLearningRate()).isEqualTo(1e-6);
    assertThat(r.getOptimizer().getBeta2()).isEqualTo(0.999);
    assertThat(r.getLayerDecay()).isEqualTo(0.65);
    assertThat(r.getDropPath()).isEqualTo(0.1);
    assertThat(r.getLabelSmoothing()).isEqualTo(0.1);
    assertThat(r.getMixup()).isEqualTo(0.8);
    assertThat(r.getCutmix()).isEqualTo(1.0);
    assertThat(r.getAugmentation().getRandAugment()).isEqualTo("rand-m9-mstd0.5-inc1");
    assertThat(r.getAugmentation().getRandomErasing()).isEqualTo(0.25);
    assertThat(r.isGlobalPool()).isTrue();
    assertThat(r.getNumClasses()).isEqualTo(1000);
  }

  @Test
  void linearProbeBuilder_defaults_arePaperTable10() {
    LinearProbeRecipe r = LinearProbeRecipe.builder().build();

    assertThat(r.getKind()).isEqualTo(RecipeKind.LINPROBE);
    assertThat(r.getOptimizer().getType()).isEqualTo(OptimizerType.LARS);
    assertThat(r.getOptimizer().getWeightDecay()).isZero();
    assertThat(r.getBaseLearningRate()).isEqualTo(0.1);
    assertThat(r.getLearningRate()).isCloseTo(6.4, offset(1e-12)); // 0.1 × 16384 / 256
    assertThat(r.getEpochs()).isEqualTo(90);
    assertThat(r.getWarmupEpochs()).isEqualTo(10);
    assertThat(r.isGlobalPool()).isFalse();
    assertThat(r.isHeadBatchNorm()).isTrue();
  }

  @Test
  void normalization_copiesArrays() {
    double[] mean = {0.5};
    Normalization n = Normalization.of(mean, new double[] {0.25});
    mean[0] = 9;
    n.getMean()[0] = 7;

    assertThat(n.getMean()).containsExactly(0.5);
    assertThat(n.getChannels()).isEqualTo(1);
    assertThat(Normalization.identity(2).getStd()).containsExactly(1.0, 1.0);
  }

  @Test
  void toBuilder_onAnyRecipe_keepsKindAndOtherValues() {
    Recipe probe = LinearProbeRecipe.builder().name("probe").numClasses(10).build();

    Recipe shorter = probe.toBuilder().epochs(20).warmupEpochs(2).build();

    assertThat(shorter).isInstanceOf(LinearProbeRecipe.class);
    assertThat(shorter).isEqualTo(((LinearProbeRecipe) probe).withEpochs(20).withWarmupEpochs(2));
  }
}

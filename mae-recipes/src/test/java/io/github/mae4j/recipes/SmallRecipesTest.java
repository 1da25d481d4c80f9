package io.github.mae4j.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.OptimizerType;
import io.github.mae4j.api.recipe.PretrainRecipe;
import org.junit.jupiter.api.Test;

class SmallRecipesTest {

  @Test
  void fashionMnistPretrain_grayscale28pxOwnStatistics() {
    PretrainRecipe r = Recipes.fashionMnistPretrain();

    assertThat(r.getName()).isEqualTo("fashion-mnist-pretrain");
    assertThat(r.getDataset()).isEqualTo("fashion-mnist");
    assertThat(r.getModel().getInChannels()).isEqualTo(1);
    assertThat(r.getModel().getImageSize()).isEqualTo(28);
    assertThat(r.getModel().getPatchSize()).isEqualTo(4);
    assertThat(r.getModel().getGridSize()).isEqualTo(7);
    assertThat(r.getModel().getEncoder().getEmbedDim()).isEqualTo(192);
    assertThat(r.getModel().getEncoder().getDepth()).isEqualTo(4);
    assertThat(r.getModel().getEncoder().getNumHeads()).isEqualTo(3);
    assertThat(r.getModel().getDecoder().getEmbedDim()).isEqualTo(128);
    assertThat(r.getModel().getDecoder().getDepth()).isEqualTo(2);
    assertThat(r.getModel().getDecoder().getNumHeads()).isEqualTo(4);
    assertThat(r.getNormalization().getMean()).containsExactly(0.2860);
    assertThat(r.getNormalization().getStd()).containsExactly(0.3530);
    assertThat(r.getEffectiveBatchSize()).isEqualTo(128);
    assertThat(r.getAccumulationSteps()).isEqualTo(1);
    assertThat(r.getLearningRate()).isCloseTo(1e-3, offset(1e-15));
    assertThat(r.getAugmentation().getCropScaleMin()).isEqualTo(0.5);
    assertThat(r.getOptimizer().getBeta2()).isEqualTo(0.95);
    assertThat(r.updatesPerEpoch(60_000)).isEqualTo(468);
  }

  @Test
  void fashionMnistDownstream_sharesPretrainModelAndStatistics() {
    MaeConfig model = Recipes.fashionMnistPretrain().getModel();
    FinetuneRecipe ft = Recipes.fashionMnistFinetune();
    LinearProbeRecipe lp = Recipes.fashionMnistLinearProbe();

    assertThat(ft.getModel()).isEqualTo(model);
    assertThat(lp.getModel()).isEqualTo(model);
    assertThat(ft.getNormalization()).isEqualTo(Recipes.fashionMnistPretrain().getNormalization());
    assertThat(lp.getNormalization()).isEqualTo(Recipes.fashionMnistPretrain().getNormalization());
    assertThat(ft.getNumClasses()).isEqualTo(10);
    assertThat(lp.getNumClasses()).isEqualTo(10);
  }

  @Test
  void fashionMnistFinetune_smallScheduleNoMixup() {
    FinetuneRecipe r = Recipes.fashionMnistFinetune();

    assertThat(r.getLearningRate()).isCloseTo(1e-3, offset(1e-15));
    assertThat(r.getMixup()).isZero();
    assertThat(r.getCutmix()).isZero();
    assertThat(r.getAugmentation().getRandAugment()).isEmpty();
    assertThat(r.getLayerDecay()).isEqualTo(0.75);
    assertThat(r.getLabelSmoothing()).isEqualTo(0.1);
    assertThat(r.getOptimizer().getBeta2()).isEqualTo(0.999);
  }

  @Test
  void fashionMnistLinearProbe_larsAtPaperPeakRate() {
    LinearProbeRecipe r = Recipes.fashionMnistLinearProbe();

    assertThat(r.getOptimizer().getType()).isEqualTo(OptimizerType.LARS);
    assertThat(r.getLearningRate()).isCloseTo(Recipes.vitB16LinearProbe().getLearningRate(), offset(1e-12));
    assertThat(r.getEffectiveBatchSize()).isEqualTo(256);
    assertThat(r.isHeadBatchNorm()).isTrue();
    assertThat(r.isGlobalPool()).isFalse();
  }

  @Test
  void tiny64Pretrain_64pxRgbPatch8() {
    PretrainRecipe r = Recipes.tiny64Pretrain();

    assertThat(r.getModel().getImageSize()).isEqualTo(64);
    assertThat(r.getModel().getPatchSize()).isEqualTo(8);
    assertThat(r.getModel().getInChannels()).isEqualTo(3);
    assertThat(r.getModel().getNumPatches()).isEqualTo(64);
    assertThat(r.getModel().getEncoder().getEmbedDim()).isEqualTo(192);
    assertThat(r.getLearningRate()).isCloseTo(1e-3, offset(1e-15));
    assertThat(r.getNormalization().getChannels()).isEqualTo(3);
  }

  @Test
  void quickstart_tinyModelOnSyntheticDataFewHundredUpdates() {
    PretrainRecipe r = Recipes.quickstart();

    assertThat(r.getName()).isEqualTo("quickstart");
    assertThat(r.getDataset()).isEqualTo("synthetic");
    assertThat(r.getModel()).isEqualTo(MaeConfig.tiny());
    assertThat(r.getImagesPerEpoch()).isEqualTo(2048);
    assertThat(r.updatesPerEpoch(Integer.MAX_VALUE)).isEqualTo(64); // 2048 / 32
    assertThat(r.getEpochs() * r.updatesPerEpoch(Integer.MAX_VALUE)).isEqualTo(384);
    assertThat(r.getLearningRate()).isCloseTo(1e-3, offset(1e-15));
    assertThat(r.getAccumulationSteps()).isEqualTo(1);
  }
}

package io.github.mae4j.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.Interpolation;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.OptimizerType;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.Recipe;
import io.github.mae4j.api.recipe.RecipeKind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The paper's numbers (Tables 8–10, PRETRAIN.md, FINETUNE.md), asserted recipe by recipe. */
class RecipesTest {

  @Test
  void vitL16Pretrain_matchesPaperTable8() {
    PretrainRecipe r = Recipes.vitL16Pretrain();

    assertThat(r.getName()).isEqualTo("vit-l16-pretrain");
    assertThat(r.getSource()).contains("Table 8").contains("PRETRAIN.md");
    assertThat(r.getEpochs()).isEqualTo(800);
    assertThat(r.getWarmupEpochs()).isEqualTo(40);
    assertThat(r.getBaseLearningRate()).isEqualTo(1.5e-4);
    assertThat(r.getEffectiveBatchSize()).isEqualTo(4096);
    assertThat(r.getLearningRate()).isCloseTo(2.4e-3, offset(1e-15));
    assertThat(r.getMinLearningRate()).isZero();
    assertThat(r.getOptimizer().getType()).isEqualTo(OptimizerType.ADAMW);
    assertThat(r.getOptimizer().getBeta1()).isEqualTo(0.9);
    assertThat(r.getOptimizer().getBeta2()).isEqualTo(0.95);
    assertThat(r.getOptimizer().getWeightDecay()).isEqualTo(0.05);
    assertThat(r.getOptimizer().isExcludeBiasNormAndTokens()).isTrue();
    assertThat(r.getModel().getEncoder().getEmbedDim()).isEqualTo(1024);
    assertThat(r.getModel().getEncoder().getDepth()).isEqualTo(24);
    assertThat(r.getModel().getEncoder().getNumHeads()).isEqualTo(16);
    assertThat(r.getModel().getMaskRatio()).isEqualTo(0.75);
    assertThat(r.getModel().isNormPixLoss()).isTrue();
    assertThat(r.getModel().getImageSize()).isEqualTo(224);
    assertThat(r.getAugmentation().getCropScaleMin()).isEqualTo(0.2);
    assertThat(r.getAugmentation().getCropScaleMax()).isEqualTo(1.0);
    assertThat(r.getAugmentation().getInterpolation()).isEqualTo(Interpolation.BICUBIC);
    assertThat(r.getAugmentation().isHorizontalFlip()).isTrue();
    assertThat(r.getNormalization().getMean()).containsExactly(0.485, 0.456, 0.406);
    assertThat(r.getNormalization().getStd()).containsExactly(0.229, 0.224, 0.225);
    assertThat(r.getBatchSizePerStep()).isEqualTo(64); // the reference's per-GPU batch
    assertThat(r.getAccumulationSteps()).isEqualTo(64); // 4096 / (64 × 1)
  }

  static Stream<Arguments> pretrainRecipes() {
    return Stream.of(
        Arguments.of(Recipes.vitB16Pretrain(), "vit-b16-pretrain", 800, 768, 12, 16),
        Arguments.of(Recipes.vitL16Pretrain(), "vit-l16-pretrain", 800, 1024, 24, 16),
        Arguments.of(Recipes.vitH14Pretrain(), "vit-h14-pretrain", 800, 1280, 32, 14),
        Arguments.of(Recipes.vitB16Pretrain1600(), "vit-b16-pretrain-1600", 1600, 768, 12, 16),
        Arguments.of(Recipes.vitL16Pretrain1600(), "vit-l16-pretrain-1600", 1600, 1024, 24, 16),
        Arguments.of(Recipes.vitH14Pretrain1600(), "vit-h14-pretrain-1600", 1600, 1280, 32, 14));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("pretrainRecipes")
  void paperPretrain_sharesTable8Schedule(
      PretrainRecipe r, String name, int epochs, int width, int depth, int patch) {
    assertThat(r.getName()).isEqualTo(name);
    assertThat(r.getEpochs()).isEqualTo(epochs);
    assertThat(r.getModel().getEncoder().getEmbedDim()).isEqualTo(width);
    assertThat(r.getModel().getEncoder().getDepth()).isEqualTo(depth);
    assertThat(r.getModel().getPatchSize()).isEqualTo(patch);
    assertThat(r.getModel().getDecoder().getEmbedDim()).isEqualTo(512);
    assertThat(r.getModel().getDecoder().getDepth()).isEqualTo(8);
    assertThat(r.getWarmupEpochs()).isEqualTo(40);
    assertThat(r.getLearningRate()).isCloseTo(2.4e-3, offset(1e-15));
    assertThat(r.getOptimizer().getBeta2()).isEqualTo(0.95);
    assertThat(r.getModel().getMaskRatio()).isEqualTo(0.75);
    assertThat(r.getModel().isNormPixLoss()).isTrue();
  }

  static Stream<Arguments> finetuneRecipes() {
    // name, epochs, blr, layer decay, drop path, batch per GPU, encoder width
    return Stream.of(
        Arguments.of(Recipes.vitB16Finetune(), "vit-b16-finetune", 100, 5e-4, 0.65, 0.1, 32, 768),
        Arguments.of(Recipes.vitL16Finetune(), "vit-l16-finetune", 50, 1e-3, 0.75, 0.2, 32, 1024),
        Arguments.of(Recipes.vitH14Finetune(), "vit-h14-finetune", 50, 1e-3, 0.75, 0.3, 16, 1280));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("finetuneRecipes")
  void paperFinetune_matchesFinetuneMd(
      FinetuneRecipe r, String name, int epochs, double blr, double ld, double dp, int perStep, int width) {
    assertThat(r.getName()).isEqualTo(name);
    assertThat(r.getSource()).contains("Table 9").contains("FINETUNE.md");
    assertThat(r.getEpochs()).isEqualTo(epochs);
    assertThat(r.getWarmupEpochs()).isEqualTo(5);
    assertThat(r.getBaseLearningRate()).isEqualTo(blr);
    assertThat(r.getEffectiveBatchSize()).isEqualTo(1024);
    assertThat(r.getLearningRate()).isCloseTo(blr * 4, offset(1e-15)); // × 1024 / 256
    assertThat(r.getBatchSizePerStep()).isEqualTo(perStep);
    assertThat(r.getAccumulationSteps()).isEqualTo(1024 / perStep);
    assertThat(r.getLayerDecay()).isEqualTo(ld);
    assertThat(r.getDropPath()).isEqualTo(dp);
    assertThat(r.getModel().getEncoder().getEmbedDim()).isEqualTo(width);
    assertThat(r.getOptimizer().getBeta1()).isEqualTo(0.9);
    assertThat(r.getOptimizer().getBeta2()).isEqualTo(0.999);
    assertThat(r.getOptimizer().getWeightDecay()).isEqualTo(0.05);
    assertThat(r.getMinLearningRate()).isEqualTo(1e-6);
    assertThat(r.getLabelSmoothing()).isEqualTo(0.1);
    assertThat(r.getMixup()).isEqualTo(0.8);
    assertThat(r.getCutmix()).isEqualTo(1.0);
    assertThat(r.getAugmentation().getRandAugment()).isEqualTo("rand-m9-mstd0.5-inc1");
    assertThat(r.getAugmentation().getRandomErasing()).isEqualTo(0.25);
    assertThat(r.isGlobalPool()).isTrue();
    assertThat(r.getNumClasses()).isEqualTo(1000);
  }

  static Stream<Arguments> linearProbeRecipes() {
    return Stream.of(
        Arguments.of(Recipes.vitB16LinearProbe(), "vit-b16-linprobe", 768),
        Arguments.of(Recipes.vitL16LinearProbe(), "vit-l16-linprobe", 1024),
        Arguments.of(Recipes.vitH14LinearProbe(), "vit-h14-linprobe", 1280));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("linearProbeRecipes")
  void paperLinearProbe_matchesTable10(LinearProbeRecipe r, String name, int width) {
    assertThat(r.getName()).isEqualTo(name);
    assertThat(r.getSource()).contains("Table 10");
    assertThat(r.getModel().getEncoder().getEmbedDim()).isEqualTo(width);
    assertThat(r.getOptimizer().getType()).isEqualTo(OptimizerType.LARS);
    assertThat(r.getOptimizer().getMomentum()).isEqualTo(0.9);
    assertThat(r.getOptimizer().getWeightDecay()).isZero();
    assertThat(r.getBaseLearningRate()).isEqualTo(0.1);
    assertThat(r.getEffectiveBatchSize()).isEqualTo(16384);
    assertThat(r.getLearningRate()).isCloseTo(6.4, offset(1e-12));
    assertThat(r.getEpochs()).isEqualTo(90);
    assertThat(r.getWarmupEpochs()).isEqualTo(10);
    assertThat(r.getMinLearningRate()).isZero();
    assertThat(r.isGlobalPool()).isFalse();
    assertThat(r.isHeadBatchNorm()).isTrue();
    assertThat(r.getAugmentation().getRandAugment()).isEmpty();
    assertThat(r.getAugmentation().getCropScaleMin()).isEqualTo(0.08);
    assertThat(r.getAccumulationSteps()).isEqualTo(32); // 16384 / 512
  }

  @Test
  void vitL16Pretrain_withEpochs_keepsEverythingElse() {
    PretrainRecipe original = Recipes.vitL16Pretrain();

    PretrainRecipe shorter = original.withEpochs(400);

    assertThat(shorter.getEpochs()).isEqualTo(400);
    assertThat(shorter).usingRecursiveComparison().ignoringFields("epochs").isEqualTo(original);
    assertThat(Recipes.vitL16Pretrain().getEpochs()).isEqualTo(800);
  }

  @Test
  void kinds_matchFactories() {
    assertThat(Recipes.all().values().stream().filter(r -> r.getKind() == RecipeKind.PRETRAIN).count())
        .isEqualTo(9);
    assertThat(Recipes.all().values().stream().filter(r -> r.getKind() == RecipeKind.FINETUNE).count())
        .isEqualTo(4);
    assertThat(Recipes.all().values().stream().filter(r -> r.getKind() == RecipeKind.LINPROBE).count())
        .isEqualTo(4);
  }

  @Test
  void paperModels_arePresets() {
    assertThat(Recipes.vitB16Pretrain().getModel()).isEqualTo(MaeConfig.vitB16());
    assertThat(Recipes.vitL16Finetune().getModel()).isEqualTo(MaeConfig.vitL16());
    assertThat(Recipes.vitH14LinearProbe().getModel()).isEqualTo(MaeConfig.vitH14());
  }

  @Test
  void everyRecipe_namesItsSource() {
    for (Recipe r : Recipes.all().values()) {
      assertThat(r.getSource()).as(r.getName()).isNotBlank();
      if (r.getName().startsWith("vit-")) {
        assertThat(r.getSource()).as(r.getName()).contains("MAE paper (He et al. 2021)").contains("facebookresearch/mae");
      }
    }
  }
}

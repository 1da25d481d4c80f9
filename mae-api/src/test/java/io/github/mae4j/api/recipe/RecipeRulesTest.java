package io.github.mae4j.api.recipe;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.MaeConfig;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per {@code @Value.Check} rule of the recipe types: the rule's message names field, value and rule. */
class RecipeRulesTest {

  private static Arguments rule(String name, Executable build, String message) {
    return Arguments.of(name, build, message);
  }

  private static PretrainRecipe.Builder pretrain() {
    return PretrainRecipe.builder();
  }

  static Stream<Arguments> recipeRules() {
    return Stream.of(
        rule("name kebab-case", () -> pretrain().name("Vit_B").build(),
            "name (\"Vit_B\") must be kebab-case: lower-case letters and digits joined by '-'"),
        rule("source not blank", () -> pretrain().source(" ").build(), "source (\" \") must not be blank"),
        rule("dataset not blank", () -> pretrain().dataset("").build(), "dataset (\"\") must not be blank"),
        rule("epochs positive", () -> pretrain().epochs(0).warmupEpochs(0).build(), "epochs (0) must be positive"),
        rule("warmup >= 0", () -> pretrain().warmupEpochs(-1).build(), "warmupEpochs (-1) must be >= 0"),
        rule("warmup < epochs", () -> pretrain().epochs(40).build(),
            "warmupEpochs (40) must be less than epochs (40)"),
        rule("blr positive", () -> pretrain().baseLearningRate(0).build(),
            "baseLearningRate (0.0) must be a positive finite number"),
        rule("effective batch positive", () -> pretrain().effectiveBatchSize(-8).build(),
            "effectiveBatchSize (-8) must be positive"),
        rule("batch per step positive", () -> pretrain().batchSizePerStep(0).build(),
            "batchSizePerStep (0) must be positive"),
        rule("devices positive", () -> pretrain().devices(0).build(), "devices (0) must be positive"),
        rule("accumulation divides", () -> pretrain().batchSizePerStep(64).devices(3).build(),
            "effectiveBatchSize (4096) must be divisible by batchSizePerStep × devices (64 × 3 = 192) so that"
                + " gradient accumulation reaches it exactly"),
        rule("min lr >= 0", () -> pretrain().minLearningRate(-1e-6).build(),
            "minLearningRate (-1.0E-6) must be a finite number >= 0"),
        rule("min lr <= lr", () -> pretrain().minLearningRate(0.01).build(),
            "minLearningRate (0.01) must be <= learningRate (0.0024 = baseLearningRate × effectiveBatchSize / 256)"),
        rule("images per epoch >= 0", () -> pretrain().imagesPerEpoch(-1).build(),
            "imagesPerEpoch (-1) must be >= 0"),
        rule("images per epoch >= batch", () -> pretrain().imagesPerEpoch(100).build(),
            "imagesPerEpoch (100) must be 0 or at least effectiveBatchSize (4096)"),
        rule("normalization channels", () -> pretrain().model(MaeConfig.tiny().withInChannels(1)).build(),
            "normalization (3 channels) must match model.inChannels (1): ImageNet's RGB statistics do not fit other "
                + "channel counts; give the data's own per-channel statistics (mae stats, --normalization measured)"),
        rule("finetune numClasses", () -> FinetuneRecipe.builder().numClasses(0).build(),
            "numClasses (0) must be positive"),
        rule("finetune layerDecay", () -> FinetuneRecipe.builder().layerDecay(1.5).build(),
            "layerDecay (1.5) must be in (0.0, 1.0]"),
        rule("finetune dropPath", () -> FinetuneRecipe.builder().dropPath(1).build(),
            "dropPath (1.0) must be in [0.0, 1.0)"),
        rule("finetune labelSmoothing", () -> FinetuneRecipe.builder().labelSmoothing(-0.1).build(),
            "labelSmoothing (-0.1) must be in [0.0, 1.0)"),
        rule("finetune mixup", () -> FinetuneRecipe.builder().mixup(-1).build(),
            "mixup (-1.0) must be a finite number >= 0"),
        rule("finetune cutmix", () -> FinetuneRecipe.builder().cutmix(Double.NaN).build(),
            "cutmix (NaN) must be a finite number >= 0"),
        rule("finetune mixupProb", () -> FinetuneRecipe.builder().mixupProb(2).build(),
            "mixupProb (2.0) must be in [0.0, 1.0]"),
        rule("finetune mixupSwitchProb", () -> FinetuneRecipe.builder().mixupSwitchProb(-0.5).build(),
            "mixupSwitchProb (-0.5) must be in [0.0, 1.0]"),
        rule("linprobe numClasses", () -> LinearProbeRecipe.builder().numClasses(-3).build(),
            "numClasses (-3) must be positive"));
  }

  static Stream<Arguments> partRules() {
    return Stream.of(
        rule("beta1", () -> OptimizerSpec.builder().beta1(1).build(), "optimizer.beta1 (1.0) must be in [0.0, 1.0)"),
        rule("beta2", () -> OptimizerSpec.builder().beta2(-0.1).build(),
            "optimizer.beta2 (-0.1) must be in [0.0, 1.0)"),
        rule("eps", () -> OptimizerSpec.builder().eps(0).build(),
            "optimizer.eps (0.0) must be a positive finite number"),
        rule("momentum", () -> OptimizerSpec.builder().momentum(1.2).build(),
            "optimizer.momentum (1.2) must be in [0.0, 1.0)"),
        rule("trust", () -> OptimizerSpec.builder().trustCoefficient(-1).build(),
            "optimizer.trustCoefficient (-1.0) must be a positive finite number"),
        rule("weight decay", () -> OptimizerSpec.builder().weightDecay(-0.05).build(),
            "optimizer.weightDecay (-0.05) must be a finite number >= 0"),
        rule("crop scale min", () -> Augmentation.builder().cropScaleMin(0).build(),
            "augmentation.cropScaleMin (0.0) must be in (0.0, 1.0]"),
        rule("crop scale max", () -> Augmentation.builder().cropScaleMax(1.5).build(),
            "augmentation.cropScaleMax (1.5) must be in (0.0, 1.0]"),
        rule("crop scale order", () -> Augmentation.builder().cropScaleMin(0.9).cropScaleMax(0.5).build(),
            "augmentation.cropScaleMin (0.9) must be <= augmentation.cropScaleMax (0.5)"),
        rule("crop ratio min", () -> Augmentation.builder().cropRatioMin(0).build(),
            "augmentation.cropRatioMin (0.0) must be a positive finite number"),
        rule("crop ratio max", () -> Augmentation.builder().cropRatioMax(Double.POSITIVE_INFINITY).build(),
            "augmentation.cropRatioMax (Infinity) must be a positive finite number"),
        rule("crop ratio order", () -> Augmentation.builder().cropRatioMin(2).cropRatioMax(1).build(),
            "augmentation.cropRatioMin (2.0) must be <= augmentation.cropRatioMax (1.0)"),
        rule("randaugment notation", () -> Augmentation.builder().randAugment("m9").build(),
            "augmentation.randAugment (\"m9\") must be empty or in timm's notation starting with \"rand-\","
                + " e.g. rand-m9-mstd0.5-inc1"),
        rule("random erasing", () -> Augmentation.builder().randomErasing(1.25).build(),
            "augmentation.randomErasing (1.25) must be in [0.0, 1.0]"),
        rule("eval crop pct", () -> Augmentation.builder().evalCropPct(0).build(),
            "augmentation.evalCropPct (0.0) must be in (0.0, 1.0]"),
        rule("normalization empty", () -> Normalization.of(new double[0], new double[0]),
            "normalization.mean (empty) must have one value per channel"),
        rule("normalization lengths", () -> Normalization.of(new double[] {0.5}, new double[] {0.2, 0.2}),
            "normalization.std (2 values) must have as many values as normalization.mean (1)"),
        rule("normalization mean finite", () -> Normalization.of(new double[] {Double.NaN}, new double[] {1}),
            "normalization.mean[0] (NaN) must be finite"),
        rule("normalization std positive", () -> Normalization.of(new double[] {0, 0}, new double[] {1, 0}),
            "normalization.std[1] (0.0) must be a positive finite number"),
        rule("identity channels", () -> Normalization.identity(0), "channels (0) must be positive"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"recipeRules", "partRules"})
  void build_ruleBroken_throwsWithMessage(String rule, Executable build, String message) {
    assertThatThrownBy(build::execute).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}

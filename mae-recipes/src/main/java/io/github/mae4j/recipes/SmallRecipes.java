package io.github.mae4j.recipes;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.Interpolation;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.OptimizerSpec;
import io.github.mae4j.api.recipe.PretrainRecipe;

/**
 * Recipes small enough for one CPU. They keep the paper's structure (AdamW β2 0.95 and wd 0.05 for pretraining,
 * 75% masking, normalized-pixel loss, warmup + cosine, layer decay and label smoothing for fine-tuning, LARS and a
 * BatchNorm head for probing) and change what a small model on small data needs: a learning rate that trains in
 * a few hundred updates (AdamW lr 1e-3), a batch one core holds, few epochs, a milder crop, no mixup.
 */
final class SmallRecipes {
  private static final String SMALL_SOURCE_FASHION = Recipes.SMALL_SOURCE + " (Fashion-MNIST, its own mean/std)";

  private SmallRecipes() {}

  /** 28-px grayscale, 4-px patches (7×7 grid), encoder 192×4 with 3 heads, decoder 128×2 with 4 heads. */
  static MaeConfig fashionMnistModel() {
    return MaeConfig.builder()
        .imageSize(28)
        .patchSize(4)
        .inChannels(1)
        .encoder(e -> e.embedDim(192).depth(4).numHeads(3))
        .decoder(d -> d.embedDim(128).depth(2).numHeads(4))
        .build();
  }

  /** RandomResizedCrop with scale (0.5, 1.0), bilinear, and a horizontal flip: the mild crop small images take. */
  private static Augmentation mildCrop() {
    return Augmentation.builder()
        .cropScaleMin(0.5)
        .interpolation(Interpolation.BILINEAR)
        .evalCropPct(1.0)
        .build();
  }

  static PretrainRecipe fashionMnistPretrain() {
    return PretrainRecipe.builder()
        .name("fashion-mnist-pretrain")
        .source(SMALL_SOURCE_FASHION)
        .dataset("fashion-mnist")
        .model(fashionMnistModel())
        .epochs(4)
        .warmupEpochs(1)
        .baseLearningRate(2e-3) // lr = 2e-3 × 128 / 256 = 1e-3
        .effectiveBatchSize(128)
        .batchSizePerStep(128)
        .augmentation(mildCrop())
        .normalization(Normalization.fashionMnist())
        .build();
  }

  static FinetuneRecipe fashionMnistFinetune() {
    return FinetuneRecipe.builder()
        .name("fashion-mnist-finetune")
        .source(SMALL_SOURCE_FASHION)
        .dataset("fashion-mnist")
        .model(fashionMnistModel())
        .numClasses(10)
        .epochs(3)
        .warmupEpochs(1)
        .baseLearningRate(2e-3) // lr 1e-3 at batch 128
        .effectiveBatchSize(128)
        .batchSizePerStep(128)
        .layerDecay(0.75)
        .dropPath(0.1)
        .mixup(0)
        .cutmix(0)
        .augmentation(mildCrop())
        .normalization(Normalization.fashionMnist())
        .build();
  }

  static LinearProbeRecipe fashionMnistLinearProbe() {
    return LinearProbeRecipe.builder()
        .name("fashion-mnist-linprobe")
        .source(SMALL_SOURCE_FASHION + "; LARS keeps the paper's peak lr 6.4 (its steps are relative to |w|)")
        .dataset("fashion-mnist")
        .model(fashionMnistModel())
        .numClasses(10)
        .epochs(10)
        .warmupEpochs(1)
        .baseLearningRate(6.4) // lr 6.4 at batch 256, the paper's peak (0.1 × 16384 / 256)
        .effectiveBatchSize(256)
        .batchSizePerStep(256)
        .optimizer(OptimizerSpec.lars(0.0))
        .augmentation(Augmentation.none())
        .normalization(Normalization.fashionMnist())
        .build();
  }

  static PretrainRecipe tiny64Pretrain() {
    return PretrainRecipe.builder()
        .name("tiny64-pretrain")
        .source(Recipes.SMALL_SOURCE + " (64-px RGB, 8-px patches, tiny encoder)")
        .dataset("image-folder")
        .model(
            MaeConfig.builder()
                .imageSize(64)
                .patchSize(8)
                .encoder(e -> e.embedDim(192).depth(4).numHeads(3))
                .decoder(d -> d.embedDim(128).depth(2).numHeads(4))
                .build())
        .epochs(20)
        .warmupEpochs(2)
        .baseLearningRate(4e-3) // lr 1e-3 at batch 64
        .effectiveBatchSize(64)
        .batchSizePerStep(64)
        .augmentation(Augmentation.builder().interpolation(Interpolation.BILINEAR).build())
        .normalization(Normalization.imagenet())
        .build();
  }

  static PretrainRecipe quickstart() {
    return PretrainRecipe.builder()
        .name("quickstart")
        .source(Recipes.SMALL_SOURCE + " (quick start: MaeConfig.tiny() on synthetic images, 384 updates)")
        .dataset("synthetic")
        .model(MaeConfig.tiny())
        .epochs(6)
        .warmupEpochs(1)
        .imagesPerEpoch(2048) // 64 updates of 32 per epoch
        .baseLearningRate(8e-3) // lr 1e-3 at batch 32
        .effectiveBatchSize(32)
        .batchSizePerStep(32)
        .augmentation(Augmentation.none())
        .normalization(Normalization.imagenet())
        .build();
  }
}

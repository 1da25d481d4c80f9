package io.github.mae4j.api.recipe;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.MaeStyle;
import org.immutables.value.Value;

/**
 * Masked-autoencoder pretraining. Defaults are the paper's ViT-B/16 recipe (Table 8): 800 epochs, 40 warmup,
 * AdamW β = (0.9, 0.95), weight decay 0.05, base lr 1.5e-4 at an effective batch of 4096 (lr 2.4e-3), cosine to 0,
 * RandomResizedCrop (0.2, 1.0) + flip, ImageNet statistics. Mask ratio and the normalized-pixel loss live in the
 * {@link #getModel() model}.
 */
@Value.Immutable
@MaeStyle
@JsonTypeName("pretrain")
@JsonSerialize(as = ImmutablePretrainRecipe.class)
@JsonDeserialize(as = ImmutablePretrainRecipe.class)
public abstract non-sealed class PretrainRecipe extends Recipe {

  @Override
  @Value.Default
  public MaeConfig getModel() {
    return MaeConfig.vitB16();
  }

  @Override
  @Value.Default
  public int getEpochs() {
    return 800;
  }

  @Override
  @Value.Default
  public int getWarmupEpochs() {
    return 40;
  }

  @Override
  @Value.Default
  public double getBaseLearningRate() {
    return 1.5e-4;
  }

  @Override
  @Value.Default
  public double getMinLearningRate() {
    return 0.0;
  }

  @Override
  @Value.Default
  public int getEffectiveBatchSize() {
    return 4096;
  }

  /** 64, the reference's batch per GPU. */
  @Override
  @Value.Default
  public int getBatchSizePerStep() {
    return 64;
  }

  @Override
  @Value.Default
  public OptimizerSpec getOptimizer() {
    return OptimizerSpec.adamw(0.9, 0.95, 0.05);
  }

  @Override
  @Value.Default
  public Augmentation getAugmentation() {
    return Augmentation.pretrain();
  }

  @Override
  @Value.Default
  public Normalization getNormalization() {
    return Normalization.imagenet();
  }

  @Value.Check
  protected void check() {
    validateCommon();
  }

  public static Builder builder() {
    return ImmutablePretrainRecipe.builder();
  }

  /** A builder pre-filled with this recipe. */
  public Builder toBuilder() {
    return builder().from(this);
  }

  public PretrainRecipe withName(String value) {
    return toBuilder().name(value).build();
  }

  public PretrainRecipe withModel(MaeConfig value) {
    return toBuilder().model(value).build();
  }

  public PretrainRecipe withEpochs(int value) {
    return toBuilder().epochs(value).build();
  }

  public PretrainRecipe withWarmupEpochs(int value) {
    return toBuilder().warmupEpochs(value).build();
  }

  public PretrainRecipe withBaseLearningRate(double value) {
    return toBuilder().baseLearningRate(value).build();
  }

  public PretrainRecipe withEffectiveBatchSize(int value) {
    return toBuilder().effectiveBatchSize(value).build();
  }

  public PretrainRecipe withBatchSizePerStep(int value) {
    return toBuilder().batchSizePerStep(value).build();
  }

  public PretrainRecipe withDevices(int value) {
    return toBuilder().devices(value).build();
  }

  public PretrainRecipe withImagesPerEpoch(int value) {
    return toBuilder().imagesPerEpoch(value).build();
  }

  public PretrainRecipe withSeed(long value) {
    return toBuilder().seed(value).build();
  }

  public PretrainRecipe withNormalization(Normalization value) {
    return toBuilder().normalization(value).build();
  }

  public PretrainRecipe withAugmentation(Augmentation value) {
    return toBuilder().augmentation(value).build();
  }

  public PretrainRecipe withOptimizer(OptimizerSpec value) {
    return toBuilder().optimizer(value).build();
  }

  /** Builds {@link PretrainRecipe}s; unset values take the paper's ViT-B/16 defaults. */
  public abstract static class Builder extends RecipeBuilder<Builder, PretrainRecipe> {
    Builder() {}

    /** Copies every value of {@code instance}. */
    public abstract Builder from(PretrainRecipe instance);
  }
}

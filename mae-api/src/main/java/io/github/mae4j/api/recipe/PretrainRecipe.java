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
public abstract non-sealed class PretrainRecipe extends Recipe implements WithPretrainRecipe {

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

  /** Builds {@link PretrainRecipe}s; unset values take the paper's ViT-B/16 defaults. */
  public abstract static class Builder extends RecipeBuilder<Builder, PretrainRecipe> {
    Builder() {}

    /** Copies every value of {@code instance}. */
    public abstract Builder from(PretrainRecipe instance);
  }
}

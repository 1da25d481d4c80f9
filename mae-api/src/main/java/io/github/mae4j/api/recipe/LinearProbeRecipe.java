package io.github.mae4j.api.recipe;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.mae4j.api.Checks;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.MaeStyle;
import org.immutables.value.Value;

/**
 * A linear classifier on the frozen pretrained encoder. Defaults are the paper's Table 10 and the reference's
 * ViT-B/16 command: LARS (momentum 0.9), weight decay 0, base lr 0.1 at an effective batch of 16384 (lr 6.4),
 * 90 epochs, 10 warmup, cosine to 0, RandomResizedCrop + flip only, the cls token as feature, and a BatchNorm
 * without affine parameters before the linear head. The {@link #getModel() model}'s encoder is used.
 */
@Value.Immutable
@MaeStyle
@JsonTypeName("linprobe")
@JsonSerialize(as = ImmutableLinearProbeRecipe.class)
@JsonDeserialize(as = ImmutableLinearProbeRecipe.class)
public abstract non-sealed class LinearProbeRecipe extends Recipe implements WithLinearProbeRecipe {

  @Override
  @Value.Default
  public MaeConfig getModel() {
    return MaeConfig.vitB16();
  }

  @Override
  @Value.Default
  public int getEpochs() {
    return 90;
  }

  @Override
  @Value.Default
  public int getWarmupEpochs() {
    return 10;
  }

  @Override
  @Value.Default
  public double getBaseLearningRate() {
    return 0.1;
  }

  @Override
  @Value.Default
  public double getMinLearningRate() {
    return 0.0;
  }

  @Override
  @Value.Default
  public int getEffectiveBatchSize() {
    return 16384;
  }

  /** 512, the reference's batch per GPU. */
  @Override
  @Value.Default
  public int getBatchSizePerStep() {
    return 512;
  }

  @Override
  @Value.Default
  public OptimizerSpec getOptimizer() {
    return OptimizerSpec.lars(0.0);
  }

  @Override
  @Value.Default
  public Augmentation getAugmentation() {
    return Augmentation.linearProbe();
  }

  @Override
  @Value.Default
  public Normalization getNormalization() {
    return Normalization.imagenet();
  }

  /** Classes of the head. */
  @Value.Default
  public int getNumClasses() {
    return 1000;
  }

  /** Whether the feature is the mean of the patch tokens; off: the cls token, as the reference probes. */
  @Value.Default
  public boolean isGlobalPool() {
    return false;
  }

  /** Whether a BatchNorm without affine parameters (eps 1e-6) normalizes the features before the head. */
  @Value.Default
  public boolean isHeadBatchNorm() {
    return true;
  }

  @Value.Check
  protected void check() {
    validateCommon();
    Checks.positive("numClasses", getNumClasses());
  }

  public static Builder builder() {
    return ImmutableLinearProbeRecipe.builder();
  }

  /** A builder pre-filled with this recipe. */
  public Builder toBuilder() {
    return builder().from(this);
  }

  /** Builds {@link LinearProbeRecipe}s; unset values take the paper's ViT-B/16 defaults. */
  public abstract static class Builder extends RecipeBuilder<Builder, LinearProbeRecipe> {
    Builder() {}

    public abstract Builder numClasses(int value);

    public abstract Builder globalPool(boolean value);

    public abstract Builder headBatchNorm(boolean value);

    /** Copies every value of {@code instance}. */
    public abstract Builder from(LinearProbeRecipe instance);
  }
}

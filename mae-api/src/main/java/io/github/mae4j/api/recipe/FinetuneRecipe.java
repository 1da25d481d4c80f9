package io.github.mae4j.api.recipe;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.mae4j.api.Checks;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.MaeStyle;
import org.immutables.value.Value;

/**
 * End-to-end fine-tuning of a pretrained encoder with a linear classification head. Defaults are the reference's
 * ViT-B/16 command (facebookresearch/mae FINETUNE.md; paper Table 9): 100 epochs, 5 warmup, AdamW β = (0.9, 0.999),
 * weight decay 0.05, base lr 5e-4 at an effective batch of 1024, layer decay 0.65, drop path 0.1, label smoothing
 * 0.1, mixup 0.8, cutmix 1.0, RandAugment m9 mstd 0.5, random erasing 0.25, global average pooling, min lr 1e-6,
 * 1000 classes. The {@link #getModel() model}'s image geometry and encoder are used; its decoder is not.
 */
@Value.Immutable
@MaeStyle
@JsonTypeName("finetune")
@JsonSerialize(as = ImmutableFinetuneRecipe.class)
@JsonDeserialize(as = ImmutableFinetuneRecipe.class)
public abstract non-sealed class FinetuneRecipe extends Recipe implements WithFinetuneRecipe {

  @Override
  @Value.Default
  public MaeConfig getModel() {
    return MaeConfig.vitB16();
  }

  @Override
  @Value.Default
  public int getEpochs() {
    return 100;
  }

  @Override
  @Value.Default
  public int getWarmupEpochs() {
    return 5;
  }

  @Override
  @Value.Default
  public double getBaseLearningRate() {
    return 5e-4;
  }

  @Override
  @Value.Default
  public double getMinLearningRate() {
    return 1e-6;
  }

  @Override
  @Value.Default
  public int getEffectiveBatchSize() {
    return 1024;
  }

  /** 32, the reference's batch per GPU for ViT-B and ViT-L. */
  @Override
  @Value.Default
  public int getBatchSizePerStep() {
    return 32;
  }

  @Override
  @Value.Default
  public OptimizerSpec getOptimizer() {
    return OptimizerSpec.adamw(0.9, 0.999, 0.05);
  }

  @Override
  @Value.Default
  public Augmentation getAugmentation() {
    return Augmentation.finetune();
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

  /** Layer-wise learning-rate decay: layer i of depth d trains at lr · decay^(d + 1 − i). */
  @Value.Default
  public double getLayerDecay() {
    return 0.65;
  }

  /** Stochastic-depth rate of the last block (linearly increasing from 0 over the blocks). */
  @Value.Default
  public double getDropPath() {
    return 0.1;
  }

  /** Label smoothing ε of the cross-entropy (used as-is when mixup/cutmix are off). */
  @Value.Default
  public double getLabelSmoothing() {
    return 0.1;
  }

  /** Mixup α; 0 turns mixup off. */
  @Value.Default
  public double getMixup() {
    return 0.8;
  }

  /** CutMix α; 0 turns CutMix off. */
  @Value.Default
  public double getCutmix() {
    return 1.0;
  }

  /** Probability that a batch is mixed at all. */
  @Value.Default
  public double getMixupProb() {
    return 1.0;
  }

  /** Probability of CutMix instead of mixup when both are on. */
  @Value.Default
  public double getMixupSwitchProb() {
    return 0.5;
  }

  /** Whether the head reads the mean of the patch tokens (then a LayerNorm) instead of the cls token. */
  @Value.Default
  public boolean isGlobalPool() {
    return true;
  }

  @Value.Check
  protected void check() {
    validateCommon();
    Checks.positive("numClasses", getNumClasses());
    Checks.inOpenClosed("layerDecay", getLayerDecay(), 0, 1);
    Checks.inHalfOpen("dropPath", getDropPath(), 0, 1);
    Checks.inHalfOpen("labelSmoothing", getLabelSmoothing(), 0, 1);
    Checks.nonNegative("mixup", getMixup());
    Checks.nonNegative("cutmix", getCutmix());
    Checks.inClosed("mixupProb", getMixupProb(), 0, 1);
    Checks.inClosed("mixupSwitchProb", getMixupSwitchProb(), 0, 1);
  }

  public static Builder builder() {
    return ImmutableFinetuneRecipe.builder();
  }

  /** A builder pre-filled with this recipe. */
  public Builder toBuilder() {
    return builder().from(this);
  }

  /** Builds {@link FinetuneRecipe}s; unset values take the reference's ViT-B/16 defaults. */
  public abstract static class Builder extends RecipeBuilder<Builder, FinetuneRecipe> {
    Builder() {}

    public abstract Builder numClasses(int value);

    public abstract Builder layerDecay(double value);

    public abstract Builder dropPath(double value);

    public abstract Builder labelSmoothing(double value);

    public abstract Builder mixup(double value);

    public abstract Builder cutmix(double value);

    public abstract Builder mixupProb(double value);

    public abstract Builder mixupSwitchProb(double value);

    public abstract Builder globalPool(boolean value);

    /** Copies every value of {@code instance}. */
    public abstract Builder from(FinetuneRecipe instance);
  }
}

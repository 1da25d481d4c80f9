package io.github.mae4j.api.recipe;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.mae4j.api.Checks;
import io.github.mae4j.api.MaeStyle;
import org.immutables.value.Value;

/**
 * The training-time image augmentation of a recipe, applied before {@link Normalization}, and the evaluation
 * resize. The output side is the model's image size. Defaults are the paper's pretraining augmentation:
 * RandomResizedCrop with scale (0.2, 1.0), aspect ratio (3/4, 4/3), bicubic, then a horizontal flip with
 * probability ½; nothing else.
 */
@Value.Immutable
@MaeStyle
@JsonSerialize(as = ImmutableAugmentation.class)
@JsonDeserialize(as = ImmutableAugmentation.class)
public abstract class Augmentation {

  /** Whether a random area/aspect crop is resized to the model's input; when off, the image is only resized. */
  @Value.Default
  public boolean isRandomResizedCrop() {
    return true;
  }

  /** Smallest crop area as a fraction of the image. */
  @Value.Default
  public double getCropScaleMin() {
    return 0.2;
  }

  /** Largest crop area as a fraction of the image. */
  @Value.Default
  public double getCropScaleMax() {
    return 1.0;
  }

  /** Smallest crop aspect ratio (width / height). */
  @Value.Default
  public double getCropRatioMin() {
    return 3.0 / 4.0;
  }

  /** Largest crop aspect ratio (width / height). */
  @Value.Default
  public double getCropRatioMax() {
    return 4.0 / 3.0;
  }

  @Value.Default
  public Interpolation getInterpolation() {
    return Interpolation.BICUBIC;
  }

  /** Whether the image is mirrored left-right with probability ½. */
  @Value.Default
  public boolean isHorizontalFlip() {
    return true;
  }

  /**
   * RandAugment in timm's notation, e.g. {@code rand-m9-mstd0.5-inc1} (magnitude 9, magnitude noise σ 0.5,
   * increasing-severity ops); empty for none.
   */
  @Value.Default
  public String getRandAugment() {
    return "";
  }

  /** Probability of random erasing (per-pixel normal noise in one rectangle, DeiT's {@code reprob}). */
  @Value.Default
  public double getRandomErasing() {
    return 0.0;
  }

  /**
   * Evaluation resize: the shorter side goes to {@code imageSize / evalCropPct} (bicubic), then a centre crop of
   * {@code imageSize}. The reference uses 224/256 = 0.875.
   */
  @Value.Default
  public double getEvalCropPct() {
    return 0.875;
  }

  @Value.Check
  protected void check() {
    Checks.inOpenClosed("augmentation.cropScaleMin", getCropScaleMin(), 0, 1);
    Checks.inOpenClosed("augmentation.cropScaleMax", getCropScaleMax(), 0, 1);
    if (getCropScaleMin() > getCropScaleMax()) {
      throw new IllegalArgumentException(
          "augmentation.cropScaleMin (" + getCropScaleMin() + ") must be <= augmentation.cropScaleMax ("
              + getCropScaleMax() + ")");
    }
    Checks.positive("augmentation.cropRatioMin", getCropRatioMin());
    Checks.positive("augmentation.cropRatioMax", getCropRatioMax());
    if (getCropRatioMin() > getCropRatioMax()) {
      throw new IllegalArgumentException(
          "augmentation.cropRatioMin (" + getCropRatioMin() + ") must be <= augmentation.cropRatioMax ("
              + getCropRatioMax() + ")");
    }
    if (!getRandAugment().isEmpty() && !getRandAugment().startsWith("rand-")) {
      throw new IllegalArgumentException(
          "augmentation.randAugment (\"" + getRandAugment()
              + "\") must be empty or in timm's notation starting with \"rand-\", e.g. rand-m9-mstd0.5-inc1");
    }
    Checks.inClosed("augmentation.randomErasing", getRandomErasing(), 0, 1);
    Checks.inOpenClosed("augmentation.evalCropPct", getEvalCropPct(), 0, 1);
  }

  /** The paper's pretraining augmentation: RandomResizedCrop scale (0.2, 1.0), bicubic, horizontal flip. */
  public static Augmentation pretrain() {
    return builder().build();
  }

  /**
   * The reference fine-tuning augmentation (timm {@code create_transform}): RandomResizedCrop scale (0.08, 1.0),
   * bicubic, horizontal flip, RandAugment {@code rand-m9-mstd0.5-inc1}, random erasing 0.25.
   */
  public static Augmentation finetune() {
    return builder().cropScaleMin(0.08).randAugment("rand-m9-mstd0.5-inc1").randomErasing(0.25).build();
  }

  /** The reference linear-probing augmentation: RandomResizedCrop scale (0.08, 1.0), bicubic, horizontal flip. */
  public static Augmentation linearProbe() {
    return builder().cropScaleMin(0.08).build();
  }

  /** No augmentation: the image is only resized to the model's input. */
  public static Augmentation none() {
    return builder().randomResizedCrop(false).horizontalFlip(false).evalCropPct(1.0).build();
  }

  public static Builder builder() {
    return ImmutableAugmentation.builder();
  }

  /** A builder pre-filled with this augmentation. */
  public Builder toBuilder() {
    return builder().from(this);
  }

  /** Builds {@link Augmentation}s; unset values take their defaults. */
  public abstract static class Builder {
    Builder() {}

    public abstract Builder randomResizedCrop(boolean value);

    public abstract Builder cropScaleMin(double value);

    public abstract Builder cropScaleMax(double value);

    public abstract Builder cropRatioMin(double value);

    public abstract Builder cropRatioMax(double value);

    public abstract Builder interpolation(Interpolation value);

    public abstract Builder horizontalFlip(boolean value);

    public abstract Builder randAugment(String value);

    public abstract Builder randomErasing(double value);

    public abstract Builder evalCropPct(double value);

    /** Copies every value of {@code instance}. */
    public abstract Builder from(Augmentation instance);

    /**
     * The augmentation.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule when it cannot work
     */
    public abstract Augmentation build();
  }
}

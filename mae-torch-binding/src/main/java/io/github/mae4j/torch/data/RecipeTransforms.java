package io.github.mae4j.torch.data;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Interpolation;

/**
 * Builds this package's transforms from a recipe's {@link Augmentation} and
 * {@link io.github.mae4j.api.recipe.Normalization}.
 *
 * <p>Implemented: random resized crop (scale, ratio), resize + centre crop, horizontal flip, bicubic
 * interpolation ({@link Bicubic#pil()}). Not implemented yet, rejected with an {@link IllegalArgumentException}
 * rather than silently ignored: NEAREST/BILINEAR interpolation, RandAugment, random erasing (fine-tuning only).
 */
public final class RecipeTransforms {
  private RecipeTransforms() {}

  /**
   * The training transform: [C, H, W] (any size) → [C, imageSize, imageSize], normalized.
   *
   * @throws IllegalArgumentException for parts of the augmentation this pipeline does not implement
   */
  public static Transform train(Augmentation aug, int imageSize, io.github.mae4j.api.recipe.Normalization norm) {
    Bicubic resampler = resampler(aug);
    if (!aug.getRandAugment().isEmpty()) {
      throw new IllegalArgumentException("augmentation.randAugment (\"" + aug.getRandAugment()
          + "\") is not implemented by the data pipeline; use an augmentation without it");
    }
    if (aug.getRandomErasing() != 0) {
      throw new IllegalArgumentException("augmentation.randomErasing (" + aug.getRandomErasing()
          + ") is not implemented by the data pipeline; set it to 0");
    }
    Normalization n = Normalization.from(norm);
    if (aug.isRandomResizedCrop()) {
      PretrainTransform t = PretrainTransform
          .randomResizedCrop(imageSize, aug.getCropScaleMin(), aug.getCropScaleMax())
          .ratio(aug.getCropRatioMin(), aug.getCropRatioMax())
          .resampler(resampler);
      return (aug.isHorizontalFlip() ? t.hflip() : t).normalize(n);
    }
    EvalTransform resize = eval(aug, imageSize, norm);
    if (!aug.isHorizontalFlip()) {
      return resize;
    }
    EvalTransform unnormalized = resize.normalize(Normalization.none());
    return unnormalized.andThen(new HorizontalFlip(0.5)).andThen(n);
  }

  /** The evaluation transform: shorter side to {@code imageSize / evalCropPct}, centre crop, normalize. */
  public static EvalTransform eval(Augmentation aug, int imageSize, io.github.mae4j.api.recipe.Normalization norm) {
    int resize = (int) Math.round(imageSize / aug.getEvalCropPct());
    return new EvalTransform(Math.max(resize, imageSize), imageSize, Normalization.from(norm), resampler(aug));
  }

  private static Bicubic resampler(Augmentation aug) {
    if (aug.getInterpolation() != Interpolation.BICUBIC) {
      throw new IllegalArgumentException("augmentation.interpolation (" + aug.getInterpolation()
          + ") is not implemented by the data pipeline; only BICUBIC is");
    }
    return Bicubic.pil();
  }
}

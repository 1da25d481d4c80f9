package io.github.mae4j.torch.data;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Interpolation;

/**
 * Builds this package's transforms from a recipe's {@link Augmentation} and
 * {@link io.github.mae4j.api.recipe.Normalization}.
 *
 * <p>Per image: random resized crop (scale, ratio), resize + centre crop, horizontal flip, with PIL's bicubic,
 * bilinear or nearest resampling ({@link Resampler#pil(Interpolation)}), then normalization. RandAugment and random
 * erasing belong to fine-tuning, where {@code downstream.finetune.Finetuner} applies them to each batch; a recipe
 * that asks this (pretraining) pipeline for them is refused with an {@link IllegalArgumentException} naming where
 * they go, rather than silently ignored.
 */
public final class RecipeTransforms {
  private RecipeTransforms() {}

  /**
   * The training transform: [C, H, W] (any size) → [C, imageSize, imageSize], normalized.
   *
   * @throws IllegalArgumentException for parts of the augmentation this pipeline does not implement
   */
  public static Transform train(Augmentation aug, int imageSize, io.github.mae4j.api.recipe.Normalization norm) {
    return train(aug, imageSize, imageSize, norm);
  }

  /**
   * The training transform of non-square models: [C, H, W] (any size) → [C, height, width], normalized.
   *
   * @throws IllegalArgumentException for parts of the augmentation this pipeline does not implement
   */
  public static Transform train(Augmentation aug, int height, int width,
      io.github.mae4j.api.recipe.Normalization norm) {
    Resampler resampler = resampler(aug);
    if (!aug.getRandAugment().isEmpty()) {
      throw new IllegalArgumentException("augmentation.randAugment (\"" + aug.getRandAugment()
          + "\") is a fine-tuning augmentation, applied to batches by the fine-tuner (mae finetune, "
          + "downstream.finetune.Finetuner); MAE pretraining uses crop and flip only: remove it from this recipe");
    }
    if (aug.getRandomErasing() != 0) {
      throw new IllegalArgumentException("augmentation.randomErasing (" + aug.getRandomErasing()
          + ") is a fine-tuning augmentation, applied to batches by the fine-tuner (mae finetune, "
          + "downstream.finetune.Finetuner); MAE pretraining uses crop and flip only: set it to 0 here");
    }
    Normalization n = Normalization.from(norm);
    if (aug.isRandomResizedCrop()) {
      PretrainTransform t = PretrainTransform
          .randomResizedCrop(height, width, aug.getCropScaleMin(), aug.getCropScaleMax())
          .ratio(aug.getCropRatioMin(), aug.getCropRatioMax())
          .resampler(resampler);
      return (aug.isHorizontalFlip() ? t.hflip() : t).normalize(n);
    }
    EvalTransform resize = eval(aug, height, width, norm);
    if (!aug.isHorizontalFlip()) {
      return resize;
    }
    EvalTransform unnormalized = resize.normalize(Normalization.none());
    return unnormalized.andThen(new HorizontalFlip(0.5)).andThen(n);
  }

  /** The evaluation transform: shorter side to {@code imageSize / evalCropPct}, centre crop, normalize. */
  public static EvalTransform eval(Augmentation aug, int imageSize, io.github.mae4j.api.recipe.Normalization norm) {
    return eval(aug, imageSize, imageSize, norm);
  }

  /**
   * The evaluation transform of non-square models: shorter side to {@code max(height, width) / evalCropPct},
   * centre crop {@code height × width}, normalize.
   */
  public static EvalTransform eval(Augmentation aug, int height, int width,
      io.github.mae4j.api.recipe.Normalization norm) {
    int side = Math.max(height, width);
    int resize = (int) Math.round(side / aug.getEvalCropPct());
    return new EvalTransform(Math.max(resize, side), height, width, Normalization.from(norm), resampler(aug));
  }

  private static Resampler resampler(Augmentation aug) {
    return Resampler.pil(aug.getInterpolation());
  }
}

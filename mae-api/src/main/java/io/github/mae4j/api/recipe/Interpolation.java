package io.github.mae4j.api.recipe;

/** How an image is resampled when resized or cropped (torchvision's {@code InterpolationMode}). */
public enum Interpolation {
  NEAREST,
  BILINEAR,
  /** The reference's choice for every ImageNet transform ({@code interpolation=3}). */
  BICUBIC
}

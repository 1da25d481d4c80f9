package io.github.mae4j.torch.data;

import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * MAE's pretraining augmentation, built fluently: random resized crop (bicubic), horizontal flip, normalization,
 * in that order (the random draws happen in that order too).
 *
 * <pre>{@code
 * PretrainTransform.randomResizedCrop(224).hflip().normalize(Normalization.imagenet())
 * PretrainTransform.randomResizedCrop(28, 0.35, 1.0).normalize(Normalization.of(new double[] {0.286},
 *     new double[] {0.353}))
 * }</pre>
 *
 * <p>[C, H, W] (any size) → [C, size, width] (width = size unless a non-square crop is asked for). Immutable:
 * every method returns a new transform.
 */
public final class PretrainTransform implements Transform {
  private final RandomResizedCrop crop;
  private final @Nullable HorizontalFlip flip;
  private final Normalization normalization;

  private PretrainTransform(RandomResizedCrop crop, @Nullable HorizontalFlip flip, Normalization normalization) {
    this.crop = crop;
    this.flip = flip;
    this.normalization = normalization;
  }

  /** Random resized crop to {@code size} with MAE's scale (0.2, 1.0) and ratio (3/4, 4/3). */
  public static PretrainTransform randomResizedCrop(int size) {
    return randomResizedCrop(size, 0.2, 1.0);
  }

  /** Random resized crop to {@code size} with the given area scale range and ratio (3/4, 4/3). */
  public static PretrainTransform randomResizedCrop(int size, double scaleMin, double scaleMax) {
    return new PretrainTransform(
        new RandomResizedCrop(size, scaleMin, scaleMax, 3.0 / 4.0, 4.0 / 3.0, Resampler.pil()), null,
        Normalization.none());
  }

  /**
   * Random resized crop to {@code height × width} (non-square outputs, torchvision's {@code size=(h, w)}) with the
   * given area scale range and ratio (3/4, 4/3).
   */
  public static PretrainTransform randomResizedCrop(int height, int width, double scaleMin, double scaleMax) {
    return new PretrainTransform(
        new RandomResizedCrop(height, width, scaleMin, scaleMax, 3.0 / 4.0, 4.0 / 3.0, Resampler.pil()), null,
        Normalization.none());
  }

  /** With this aspect-ratio range (width/height). */
  public PretrainTransform ratio(double min, double max) {
    return new PretrainTransform(new RandomResizedCrop(crop.size(), crop.width(), crop.scaleMin(), crop.scaleMax(),
        min, max, crop.resampler()), flip, normalization);
  }

  /** With this bicubic flavor (default {@link Resampler#pil()}). */
  public PretrainTransform resampler(Resampler resampler) {
    return new PretrainTransform(new RandomResizedCrop(crop.size(), crop.width(), crop.scaleMin(), crop.scaleMax(),
        crop.ratioMin(), crop.ratioMax(), resampler), flip, normalization);
  }

  /** Adds a horizontal flip with probability 0.5. */
  public PretrainTransform hflip() {
    return hflip(0.5);
  }

  /** Adds a horizontal flip with probability {@code p}. */
  public PretrainTransform hflip(double p) {
    return new PretrainTransform(crop, new HorizontalFlip(p), normalization);
  }

  /** Normalizes last with {@code n}. */
  public PretrainTransform normalize(Normalization n) {
    return new PretrainTransform(crop, flip, n);
  }

  public RandomResizedCrop crop() {
    return crop;
  }

  public Normalization normalization() {
    return normalization;
  }

  /** Output side length (the height of a non-square output). */
  public int size() {
    return crop.size();
  }

  /** Output width. */
  public int width() {
    return crop.width();
  }

  @Override
  public Sample apply(Sample sample, RandomGenerator rng) {
    normalization.checkChannels(sample.channels());
    Sample s = crop.apply(sample, rng);
    if (flip != null) {
      s = flip.apply(s, rng);
    }
    return normalization.apply(s, rng);
  }

  /**
   * The same transform on decoded 8-bit pixels ({@link CropResize}): the same random draws in the same order, the
   * same values as {@link #apply} on the image converted to floats (to the bit when the crop is at least as tall as
   * the output, else to float rounding), without converting the whole image first.
   *
   * @param channels the sample's channels (1 or 3), as {@link ChannelConversion} makes them from the pixels
   */
  Sample apply(Pixels8 pixels, int channels, int label, RandomGenerator rng) {
    normalization.checkChannels(channels);
    RandomResizedCrop.Box b = crop.box(pixels.height(), pixels.width(), rng);
    boolean mirrored = flip != null && flip.draw(rng);
    float[] out = CropResize.run(pixels, channels, b.top(), b.left(), b.height(), b.width(), crop.resampler(),
        crop.size(), crop.width(), mirrored, normalization);
    return new Sample(out, channels, crop.size(), crop.width(), label);
  }

  @Override
  public String toString() {
    return "PretrainTransform[" + crop + (flip == null ? "" : ", " + flip) + ", " + normalization + "]";
  }
}

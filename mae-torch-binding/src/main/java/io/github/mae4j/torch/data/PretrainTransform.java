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
    return apply(sample, draw(sample.height(), sample.width(), rng));
  }

  /**
   * The random part of this transform for an image of {@code height × width}: the crop box, then whether to
   * mirror, drawn from {@code rng} in that order ({@link #apply(Sample, RandomGenerator)} makes the same draws).
   *
   * @param height the image height the box was drawn for
   * @param width the image width the box was drawn for
   * @param box the crop box in that image
   * @param flip whether to mirror left–right
   */
  record Draw(int height, int width, RandomResizedCrop.Box box, boolean flip) {
    /**
     * The box in an image of {@code h × w} that shows the same scene smaller (a JPEG decoded at a reduced size):
     * the box's edges scaled and rounded to the nearest pixel edge, at least one pixel.
     */
    RandomResizedCrop.Box boxIn(int h, int w) {
      if (h == height && w == width) {
        return box;
      }
      int top = Math.min(h - 1, (int) Math.round((double) box.top() * h / height));
      int left = Math.min(w - 1, (int) Math.round((double) box.left() * w / width));
      int bottom = Math.min(h, (int) Math.round((double) (box.top() + box.height()) * h / height));
      int right = Math.min(w, (int) Math.round((double) (box.left() + box.width()) * w / width));
      return new RandomResizedCrop.Box(top, left, Math.max(1, bottom - top), Math.max(1, right - left));
    }
  }

  /** Draws the crop box and the flip for an image of {@code height × width} ({@link Draw}). */
  Draw draw(int height, int width, RandomGenerator rng) {
    RandomResizedCrop.Box b = crop.box(height, width, rng);
    return new Draw(height, width, b, flip != null && flip.draw(rng));
  }

  /** This transform with its draws made: crop-resize, mirror when drawn, normalize. */
  Sample apply(Sample sample, Draw d) {
    normalization.checkChannels(sample.channels());
    RandomResizedCrop.Box b = d.boxIn(sample.height(), sample.width());
    Sample s = sample.withPixels(crop.resampler().resize(sample.chw(), sample.channels(), sample.height(),
        sample.width(), b.top(), b.left(), b.height(), b.width(), crop.size(), crop.width()), sample.channels(),
        crop.size(), crop.width());
    if (d.flip()) {
      s = HorizontalFlip.flip(s);
    }
    return normalization.apply(s, null);
  }

  /**
   * This transform with its draws made, on decoded 8-bit pixels ({@link CropResize}): the same values as
   * {@link #apply(Sample, Draw)} on the image converted to floats (to the bit when the crop is at least as tall as
   * the output, else to float rounding), without converting the whole image first. The pixels may be a reduced
   * decode of the image the draw was made for ({@link Draw#boxIn}).
   *
   * @param channels the sample's channels (1 or 3), as {@link ChannelConversion} makes them from the pixels
   */
  Sample apply(Pixels8 pixels, Draw d, int channels, int label) {
    normalization.checkChannels(channels);
    RandomResizedCrop.Box b = d.boxIn(pixels.height(), pixels.width());
    float[] out = CropResize.run(pixels, channels, b.top(), b.left(), b.height(), b.width(), crop.resampler(),
        crop.size(), crop.width(), d.flip(), normalization);
    return new Sample(out, channels, crop.size(), crop.width(), label);
  }

  @Override
  public String toString() {
    return "PretrainTransform[" + crop + (flip == null ? "" : ", " + flip) + ", " + normalization + "]";
  }
}

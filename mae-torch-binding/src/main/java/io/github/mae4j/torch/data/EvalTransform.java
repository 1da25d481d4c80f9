package io.github.mae4j.torch.data;

import java.util.random.RandomGenerator;

/**
 * Evaluation preprocessing: resize so the shorter side is {@code resize} (bicubic, aspect kept), take the center
 * {@code crop × cropWidth}, normalize. No randomness. MAE's evaluation uses resize 256 → crop 224 (ratio 0.875).
 *
 * <p>[C, H, W] (any size) → [C, crop, cropWidth]
 *
 * @param resize shorter side after resizing, ≥ crop and ≥ cropWidth
 * @param crop output height (the side of a square output)
 * @param cropWidth output width (equal to {@code crop} for square outputs)
 * @param normalization applied last
 * @param resampler bicubic flavor
 */
public record EvalTransform(int resize, int crop, int cropWidth, Normalization normalization, Resampler resampler)
    implements Transform {
  public EvalTransform {
    if (crop < 1 || cropWidth < 1 || resize < Math.max(crop, cropWidth)) {
      throw new IllegalArgumentException("need 1 <= crop <= resize, got crop " + crop + "×" + cropWidth
          + ", resize " + resize);
    }
  }

  /** A square centre crop of side {@code crop}. */
  public EvalTransform(int resize, int crop, Normalization normalization, Resampler resampler) {
    this(resize, crop, crop, normalization, resampler);
  }

  /** Resize to {@code crop / 0.875} (256 for 224), center crop {@code crop}, no normalization. */
  public static EvalTransform centerCrop(int crop) {
    return resizeCenterCrop((int) Math.round(crop / 0.875), crop);
  }

  /** Resize the shorter side to {@code resize}, center crop {@code crop}, no normalization. */
  public static EvalTransform resizeCenterCrop(int resize, int crop) {
    return new EvalTransform(resize, crop, Normalization.none(), Resampler.pil());
  }

  /** Resize the shorter side to {@code resize}, center crop {@code height × width}, no normalization. */
  public static EvalTransform resizeCenterCrop(int resize, int height, int width) {
    return new EvalTransform(resize, height, width, Normalization.none(), Resampler.pil());
  }

  /** The same with normalization {@code n}. */
  public EvalTransform normalize(Normalization n) {
    return new EvalTransform(resize, crop, cropWidth, n, resampler);
  }

  @Override
  public Sample apply(Sample s, RandomGenerator rng) {
    normalization.checkChannels(s.channels());
    int h = s.height();
    int w = s.width();
    int[] size = resized(h, w);
    int newH = size[0];
    int newW = size[1];
    float[] resized = newH == h && newW == w ? s.chw()
        : resampler.resize(s.chw(), s.channels(), h, w, newH, newW);
    int top = (int) Math.round((newH - crop) / 2.0);
    int left = (int) Math.round((newW - cropWidth) / 2.0);
    int plane = crop * cropWidth;
    float[] out = new float[s.channels() * plane];
    for (int c = 0; c < s.channels(); c++) {
      for (int y = 0; y < crop; y++) {
        System.arraycopy(resized, (c * newH + top + y) * newW + left, out, c * plane + y * cropWidth, cropWidth);
      }
    }
    return normalization.apply(s.withPixels(out, s.channels(), crop, cropWidth), rng);
  }

  /**
   * This transform on decoded 8-bit pixels ({@link CropResize}): only the centre crop of the resize is computed,
   * straight from the pixels, normalized on the way. The same values as {@link #apply(Sample, RandomGenerator)} on
   * the image turned into floats (to the bit when the resize shrinks the height, else to float rounding).
   *
   * @param channels the sample's channels (1 or 3), as {@link ChannelConversion} makes them from the pixels
   */
  Sample apply(Pixels8 px, int channels, int label) {
    normalization.checkChannels(channels);
    int[] size = resized(px.height(), px.width());
    int top = (int) Math.round((size[0] - crop) / 2.0);
    int left = (int) Math.round((size[1] - cropWidth) / 2.0);
    float[] out = CropResize.run(px, channels, 0, 0, px.height(), px.width(), resampler, size[0], size[1], top, left,
        crop, cropWidth, false, normalization);
    return new Sample(out, channels, crop, cropWidth, label);
  }

  /**
   * torchvision's {@code Resize(int)}: the shorter side becomes {@code resize}, the longer one
   * {@code int(resize · long / short)}; {height, width}.
   */
  private int[] resized(int h, int w) {
    return new int[] {h <= w ? resize : (int) ((long) resize * h / w),
        h <= w ? (int) ((long) resize * w / h) : resize};
  }
}

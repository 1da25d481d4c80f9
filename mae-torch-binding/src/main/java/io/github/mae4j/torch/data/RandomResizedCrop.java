package io.github.mae4j.torch.data;

import java.util.random.RandomGenerator;

/**
 * Crops a random box covering a random fraction of the image area (uniform in {@code [scaleMin, scaleMax]}) with
 * a random aspect ratio (log-uniform in {@code [ratioMin, ratioMax]}), then resizes it to {@code size × width}
 * bicubically (torchvision's {@code RandomResizedCrop((h, w))} for non-square outputs). The box is drawn as
 * torchvision's {@code RandomResizedCrop.get_params} does: up to 10 tries, then a center crop clamped to the ratio
 * range. MAE pretraining uses scale (0.2, 1.0), ratio (3/4, 4/3).
 *
 * <p>[C, H, W] (any size) → [C, size, width]
 *
 * @param size output height (the side of a square output)
 * @param width output width (equal to {@code size} for square outputs)
 * @param scaleMin smallest area fraction, in (0, scaleMax]
 * @param scaleMax largest area fraction, in [scaleMin, 1]
 * @param ratioMin smallest width/height ratio, > 0
 * @param ratioMax largest width/height ratio, ≥ ratioMin
 * @param resampler the bicubic flavor
 */
public record RandomResizedCrop(int size, int width, double scaleMin, double scaleMax, double ratioMin,
    double ratioMax, Resampler resampler) implements Transform {
  public RandomResizedCrop {
    if (size < 1 || width < 1) {
      throw new IllegalArgumentException("crop size must be >= 1, got " + size + "×" + width);
    }
    if (!(scaleMin > 0) || scaleMin > scaleMax || scaleMax > 1) {
      throw new IllegalArgumentException(
          "scale range must satisfy 0 < min <= max <= 1, got (" + scaleMin + ", " + scaleMax + ")");
    }
    if (!(ratioMin > 0) || ratioMin > ratioMax) {
      throw new IllegalArgumentException(
          "ratio range must satisfy 0 < min <= max, got (" + ratioMin + ", " + ratioMax + ")");
    }
  }

  /** A square output of side {@code size}. */
  public RandomResizedCrop(int size, double scaleMin, double scaleMax, double ratioMin, double ratioMax,
      Resampler resampler) {
    this(size, size, scaleMin, scaleMax, ratioMin, ratioMax, resampler);
  }

  /** A crop box in the source image. */
  public record Box(int top, int left, int height, int width) {}

  /** Draws the crop box for an image of {@code height × width}. */
  public Box box(int height, int width, RandomGenerator rng) {
    double area = (double) height * width;
    double logMin = Math.log(ratioMin);
    double logMax = Math.log(ratioMax);
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * uniform(rng, scaleMin, scaleMax);
      double aspect = Math.exp(uniform(rng, logMin, logMax));
      int w = (int) Math.rint(Math.sqrt(target * aspect));
      int h = (int) Math.rint(Math.sqrt(target / aspect));
      if (0 < w && w <= width && 0 < h && h <= height) {
        int top = rng.nextInt(height - h + 1);
        int left = rng.nextInt(width - w + 1);
        return new Box(top, left, h, w);
      }
    }
    double inRatio = (double) width / height;
    int w;
    int h;
    if (inRatio < ratioMin) {
      w = width;
      h = Math.min(height, Math.max(1, (int) Math.rint(w / ratioMin)));
    } else if (inRatio > ratioMax) {
      h = height;
      w = Math.min(width, Math.max(1, (int) Math.rint(h * ratioMax)));
    } else {
      w = width;
      h = height;
    }
    return new Box((height - h) / 2, (width - w) / 2, h, w);
  }

  @Override
  public Sample apply(Sample s, RandomGenerator rng) {
    Box b = box(s.height(), s.width(), rng);
    float[] out = resampler.resize(s.chw(), s.channels(), s.height(), s.width(), b.top(), b.left(), b.height(),
        b.width(), size, width);
    return s.withPixels(out, s.channels(), size, width);
  }

  private static double uniform(RandomGenerator rng, double lo, double hi) {
    return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
  }
}

package io.github.mae4j.torch.downstream.mix;

import java.util.random.RandomGenerator;

/**
 * The pasted rectangle of CutMix, rows {@code [y0, y1)} and columns {@code [x0, x1)}.
 */
public record CutmixBox(int y0, int y1, int x0, int x1) {

  /** Pixels in the box. */
  public int area() {
    return (y1 - y0) * (x1 - x0);
  }

  /** The mixing weight of the original image once the box is pasted: {@code 1 − area / (h·w)}. */
  public double lambda(int h, int w) {
    return 1.0 - (double) area() / ((double) h * w);
  }

  /**
   * timm's {@code rand_bbox}: a box of sides {@code ⌊h·√(1−λ)⌋ × ⌊w·√(1−λ)⌋} centred on a uniform pixel, clipped to the
   * image (so its real area can be smaller; use {@link #lambda(int, int)} for the corrected λ).
   */
  public static CutmixBox sample(double lambda, int h, int w, RandomGenerator random) {
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda (" + lambda + ") must be in [0, 1]");
    }
    double ratio = Math.sqrt(1 - lambda);
    int cutH = (int) (h * ratio);
    int cutW = (int) (w * ratio);
    int cy = random.nextInt(h);
    int cx = random.nextInt(w);
    return new CutmixBox(clip(cy - cutH / 2, h), clip(cy + cutH / 2, h), clip(cx - cutW / 2, w), clip(cx + cutW / 2, w));
  }

  private static int clip(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }
}

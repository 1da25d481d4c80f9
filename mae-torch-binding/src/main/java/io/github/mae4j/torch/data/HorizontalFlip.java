package io.github.mae4j.torch.data;

import java.util.random.RandomGenerator;

/**
 * Mirrors the image left–right with probability {@code p}: {@code out[c, y, x] = in[c, y, W − 1 − x]}.
 *
 * <p>[C, H, W] → [C, H, W]
 *
 * @param p flip probability in [0, 1]
 */
public record HorizontalFlip(double p) implements Transform {
  public HorizontalFlip {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
    }
  }

  @Override
  public Sample apply(Sample s, RandomGenerator rng) {
    return draw(rng) ? flip(s) : s;
  }

  /** Whether to mirror: one draw from {@code rng}, made whatever {@code p} is, so later steps see the same stream. */
  boolean draw(RandomGenerator rng) {
    return rng.nextDouble() < p;
  }

  /** The mirrored sample (always). */
  public static Sample flip(Sample s) {
    int w = s.width();
    float[] in = s.chw();
    float[] out = new float[in.length];
    for (int row = 0; row < s.channels() * s.height(); row++) {
      int base = row * w;
      for (int x = 0; x < w; x++) {
        out[base + x] = in[base + w - 1 - x];
      }
    }
    return s.withPixels(out, s.channels(), s.height(), w);
  }
}

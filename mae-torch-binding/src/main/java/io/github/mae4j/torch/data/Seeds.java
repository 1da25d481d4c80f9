package io.github.mae4j.torch.data;

import java.util.SplittableRandom;

/**
 * Derives independent random streams from (seed, epoch, index), so a sample's augmentation never depends on
 * which thread made it or in what order. Uses the SplitMix64 finalizer (Steele, Lea, Flood 2014) to mix.
 */
public final class Seeds {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /** A well-mixed 64-bit value from the given parts; order matters. */
  public static long mix(long... parts) {
    long h = 0x243F6A8885A308D3L;
    for (long p : parts) {
      h = mix64(h + GOLDEN + mix64(p + GOLDEN));
    }
    return h;
  }

  /** The random stream of one sample. */
  static SplittableRandom sampleRandom(long seed, int epoch, int index, int attempt) {
    return new SplittableRandom(mix(seed, epoch, index, attempt));
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

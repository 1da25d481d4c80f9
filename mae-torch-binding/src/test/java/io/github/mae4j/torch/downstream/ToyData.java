package io.github.mae4j.torch.downstream;

import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.SplittableRandom;

/** A separable toy problem: 8×8 one-channel images, class 0 bright on the left half, class 1 on the right. */
public final class ToyData {
  private ToyData() {}

  public static LabeledImages halves(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] px = new float[n * 64];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      int c = i % 2;
      labels[i] = c;
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          boolean bright = (x < 4) == (c == 0);
          px[i * 64 + y * 8 + x] = (float) ((bright ? 1.0 : -1.0) + 0.5 * r.nextGaussian());
        }
      }
    }
    return new LabeledImages(Tensors.floats(px, n, 1, 8, 8), Tensors.longs(labels, n));
  }
}

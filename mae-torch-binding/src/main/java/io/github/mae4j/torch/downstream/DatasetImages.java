package io.github.mae4j.torch.downstream;

import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.Sample;
import io.github.mae4j.torch.data.Transform;
import java.io.IOException;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/** Reads chosen images of an {@link ImageDataset} through a deterministic transform into {@link LabeledImages}. */
public final class DatasetImages {
  private DatasetImages() {}

  /** {@code n} indices evenly spaced over {@code [0, size)} (all of them when {@code n <= 0} or {@code n >= size}). */
  public static int[] evenlySpaced(int size, int n) {
    int m = n > 0 ? Math.min(n, size) : size;
    int[] out = new int[m];
    for (int i = 0; i < m; i++) {
      out[i] = (int) ((long) i * size / m);
    }
    return out;
  }

  /**
   * Floats for {@code n} images of {@code shape}, checked against what one Java array and this JVM's heap can hold
   * (the images are gathered in a float array, then copied once into a tensor).
   *
   * @throws IllegalArgumentException naming the sizes when the images do not fit
   */
  static int checkedSize(int n, int[] shape) {
    long floats = (long) n * shape[0] * shape[1] * shape[2];
    double gib = floats * 4.0 / (1L << 30);
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (floats > Integer.MAX_VALUE - 8 || floats * 4 > free) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "%d images of [%d, %d, %d] need %.1f GiB held in memory, more than %s: pass fewer images "
              + "(--train-limit/--test-limit) or a smaller image size", n, shape[0], shape[1], shape[2], gib,
          floats > Integer.MAX_VALUE - 8 ? "one Java array holds (8 GiB)"
              : String.format(java.util.Locale.ROOT, "this JVM's free heap (%.1f GiB; raise it with -Xmx)",
                  free / (double) (1L << 30))));
    }
    return (int) floats;
  }

  /**
   * The images at {@code indices}, transformed, with their labels (-1 where the dataset has none):
   * images [n, C, H, W], labels [n].
   *
   * @param transform deterministic (resize + centre crop + normalize); must give every image the same shape
   * @throws IllegalArgumentException when an image cannot be decoded (its description and the reason are named), when
   *     the transform's outputs differ in shape, or when {@code indices} is empty
   */
  public static LabeledImages read(ImageDataset ds, int[] indices, Transform transform) {
    int n = indices.length;
    if (n == 0) {
      throw new IllegalArgumentException("no images to read");
    }
    float[] pixels = null;
    long[] labels = new long[n];
    int[] shape = null;
    SplittableRandom unused = new SplittableRandom(0);
    for (int i = 0; i < n; i++) {
      int index = indices[i];
      Sample s;
      try {
        s = ds.readTransformed(index, transform, unused);
      } catch (IOException e) {
        throw new IllegalArgumentException("unreadable image " + ds.describe(index) + ": " + e.getMessage(), e);
      }
      if (shape == null) {
        shape = new int[] {s.channels(), s.height(), s.width()};
        pixels = new float[checkedSize(n, shape)];
      } else if (s.channels() != shape[0] || s.height() != shape[1] || s.width() != shape[2]) {
        throw new IllegalArgumentException("image " + ds.describe(index) + " came out of the transform as ["
            + s.channels() + ", " + s.height() + ", " + s.width() + "], the first as [" + shape[0] + ", "
            + shape[1] + ", " + shape[2] + "]: the transform must give every image the same shape");
      }
      System.arraycopy(s.chw(), 0, pixels, i * s.chw().length, s.chw().length);
      labels[i] = s.label();
    }
    return new LabeledImages(Tensor.create(pixels, n, shape[0], shape[1], shape[2]), Tensor.create(labels, n));
  }
}

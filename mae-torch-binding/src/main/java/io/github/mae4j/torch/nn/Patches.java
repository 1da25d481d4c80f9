package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * Cutting images into flattened patches and back, in the reference layout {@code 'nchpwq->nhwpqc'}: patch
 * {@code k = i·w + j} holds its pixels row by row, each pixel's channels last.
 */
public final class Patches {
  private Patches() {}

  /**
   * images [N, C, H, W] → patches [N, (H/p)·(W/p), p²·C].
   *
   * @throws IllegalArgumentException when the images are not 4-D or H, W are not multiples of p
   */
  public static Tensor patchify(Tensor images, int patchSize) {
    if (images.dim() != 4) {
      throw new IllegalArgumentException(
          "images must be [N, C, H, W] (rank 4), got rank " + images.dim() + " " + Shapes.of(images));
    }
    long n = images.size(0);
    long c = images.size(1);
    long hh = images.size(2);
    long ww = images.size(3);
    if (hh % patchSize != 0 || ww % patchSize != 0) {
      throw new IllegalArgumentException(
          "image height and width must be multiples of the patch size " + patchSize + ", got " + hh + "x" + ww);
    }
    long h = hh / patchSize;
    long w = ww / patchSize;
    return images.reshape(n, c, h, patchSize, w, patchSize)
        .permute(0, 2, 4, 3, 5, 1)
        .reshape(n, h * w, (long) patchSize * patchSize * c);
  }

  /**
   * patches [N, h·w, p²·C] → images [N, C, h·p, w·p].
   *
   * @throws IllegalArgumentException when the last dimension is not p²·C or the patch count is not h·w
   */
  public static Tensor unpatchify(Tensor patches, int patchSize, int channels, int h, int w) {
    long p2c = (long) patchSize * patchSize * channels;
    if (patches.dim() != 3 || patches.size(1) != (long) h * w || patches.size(2) != p2c) {
      throw new IllegalArgumentException(
          "patches must be [N, " + ((long) h * w) + ", " + p2c + "] for a " + h + "x" + w + " grid of " + patchSize
              + "-px patches with " + channels + " channel(s), got " + Shapes.of(patches));
    }
    long n = patches.size(0);
    return patches.reshape(n, h, w, patchSize, patchSize, channels)
        .permute(0, 5, 1, 3, 2, 4)
        .reshape(n, channels, (long) h * patchSize, (long) w * patchSize);
  }

  /** patches [N, g², p²·C] → images [N, C, g·p, g·p] for a square grid. */
  public static Tensor unpatchify(Tensor patches, int patchSize, int channels) {
    int g = patches.dim() == 3 ? (int) Math.round(Math.sqrt(patches.size(1))) : -1;
    if (g < 1 || (long) g * g != patches.size(1)) {
      throw new IllegalArgumentException(
          "patches must be [N, g², p²·C] with a square patch count, got " + Shapes.of(patches));
    }
    return unpatchify(patches, patchSize, channels, g, g);
  }
}

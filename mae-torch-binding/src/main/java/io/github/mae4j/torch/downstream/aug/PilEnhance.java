package io.github.mae4j.torch.downstream.aug;

import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * PIL operations that timm's RandAugment uses, on float images in [0, 1]: {@code ImageOps.equalize} and
 * {@code ImageEnhance.Sharpness}, {@code .Color} and {@code .Contrast}. PIL works on 8-bit pixels; here equalize
 * quantizes to 256 levels (rounding) and the enhancers stay in floating point, so results agree with PIL up to its
 * 8-bit rounding.
 */
public final class PilEnhance {
  private PilEnhance() {}

  /**
   * Histogram equalization per channel, PIL's rule: with {@code h} the 256-bin histogram of the quantized channel,
   * {@code step = (Σh − h[last non-empty bin]) / 255} (integer division); level {@code i} maps to
   * {@code (step/2 + Σ_{j<i} h[j]) / step}, clipped to 255. A channel with at most one level, or with
   * {@code step = 0}, is left unchanged.
   *
   * <p>image [C, H, W] in [0, 1] → [C, H, W], values in {k/255}.
   */
  public static Tensor equalize(Tensor image) {
    requireImage(image);
    try (NoGradGuard g = new NoGradGuard()) {
      long c = image.size(0);
      Tensor levels = torch.round(clamp01(image).mul(new Scalar(255.0))).to(ScalarType.Long).reshape(c, -1);
      float[] luts = new float[(int) (c * 256)];
      for (int ch = 0; ch < c; ch++) {
        long[] hist = Tensors.toLongArray(torch.bincount(levels.get(ch), new TensorOptional(), 256));
        int[] lut = equalizeLut(hist);
        for (int i = 0; i < 256; i++) {
          luts[ch * 256 + i] = lut[i] / 255f;
        }
      }
      Tensor table = Tensors.floats(luts, c, 256).to(image.device(), image.scalar_type());
      return torch.gather(table, 1, levels).reshape(image.sizes());
    }
  }

  /** PIL's equalization lookup table for one 256-bin histogram: level → level. */
  static int[] equalizeLut(long[] hist) {
    int[] lut = new int[256];
    long total = 0;
    long last = 0;
    int nonEmpty = 0;
    for (long h : hist) {
      if (h != 0) {
        total += h;
        last = h;
        nonEmpty++;
      }
    }
    long step = nonEmpty <= 1 ? 0 : (total - last) / 255;
    if (step == 0) {
      for (int i = 0; i < 256; i++) {
        lut[i] = i;
      }
      return lut;
    }
    long n = step / 2;
    for (int i = 0; i < 256; i++) {
      lut[i] = (int) Math.min(255, n / step);
      n += hist[i];
    }
    return lut;
  }

  /**
   * PIL's {@code ImageEnhance.Sharpness(image).enhance(factor)}: {@code degenerate + factor·(image − degenerate)},
   * clamped to [0, 1], where {@code degenerate} is the image smoothed by the 3×3 kernel [[1,1,1],[1,5,1],[1,1,1]]/13
   * on the interior with the one-pixel border kept as it was. Factor 1 is the identity, 0 the smoothed image, above 1
   * sharpens. Images smaller than 3×3 have no interior and come back unchanged.
   *
   * <p>image [C, H, W] in [0, 1] → [C, H, W].
   */
  public static Tensor sharpness(Tensor image, double factor) {
    requireImage(image);
    long c = image.size(0);
    long h = image.size(1);
    long w = image.size(2);
    if (h < 3 || w < 3) {
      return image;
    }
    try (NoGradGuard g = new NoGradGuard()) {
      float[] k = {1, 1, 1, 1, 5, 1, 1, 1, 1};
      for (int i = 0; i < k.length; i++) {
        k[i] /= 13f;
      }
      Tensor kernel = Tensors.floats(k, 1, 1, 3, 3).to(image.device(), image.scalar_type());
      Tensor smooth = torch.conv2d(image.reshape(c, 1, h, w), kernel).reshape(c, h - 2, w - 2);
      Tensor degenerate = image.clone();
      degenerate.narrow(1, 1, h - 2).narrow(2, 1, w - 2).copy_(smooth);
      return clamp01(degenerate.add(image.sub(degenerate).mul(new Scalar(factor))));
    }
  }

  /**
   * PIL's {@code ImageEnhance.Color(image).enhance(factor)}: {@code grey + factor·(image − grey)}, clamped to [0, 1],
   * with {@code grey} PIL's luma {@code L = (299·R + 587·G + 114·B) / 1000} in every channel. Factor 1 is the
   * identity, 0 the grey image; a 1-channel image is already grey and comes back unchanged.
   *
   * <p>image [C, H, W] (C = 1 or 3) in [0, 1] → [C, H, W].
   */
  public static Tensor color(Tensor image, double factor) {
    requireImage(image);
    if (image.size(0) == 1) {
      return image;
    }
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor grey = luma(image);
      return clamp01(grey.add(image.sub(grey).mul(new Scalar(factor))));
    }
  }

  /**
   * PIL's {@code ImageEnhance.Contrast(image).enhance(factor)}: {@code mean + factor·(image − mean)}, clamped to
   * [0, 1], with {@code mean} the mean of the luma image (the channel itself for 1 channel) rounded to 8 bits as PIL
   * does ({@code ⌊255·mean + 0.5⌋ / 255}).
   *
   * <p>image [C, H, W] (C = 1 or 3) in [0, 1] → [C, H, W].
   */
  public static Tensor contrast(Tensor image, double factor) {
    requireImage(image);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor grey = image.size(0) == 1 ? image : luma(image);
      double mean = Math.floor(grey.mean().item_double() * 255 + 0.5) / 255;
      return clamp01(image.sub(new Scalar(mean)).mul(new Scalar(factor)).add(new Scalar(mean)));
    }
  }

  /** RGB image [3, H, W] → luma [1, H, W], {@code (299·R + 587·G + 114·B) / 1000}. */
  static Tensor luma(Tensor image) {
    if (image.size(0) != 3) {
      throw new IllegalArgumentException("luma needs an RGB image [3, H, W], got " + Tensors.shape(image));
    }
    Tensor w = Tensors.floats(new float[] {0.299f, 0.587f, 0.114f}, 3, 1, 1)
        .to(image.device(), image.scalar_type());
    return image.mul(w).sum(new long[] {0}, true, new ScalarTypeOptional());
  }

  private static void requireImage(Tensor image) {
    if (image.dim() != 3) {
      throw new IllegalArgumentException("expected one image [C, H, W], got " + Tensors.shape(image));
    }
  }

  static Tensor clamp01(Tensor x) {
    return torch.clamp(x, new ScalarOptional(new Scalar(0.0)), new ScalarOptional(new Scalar(1.0)));
  }
}

package io.github.mae4j.torch.downstream.aug;

import io.github.mae4j.torch.downstream.aug.RandAugment.Op;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The ops of {@link RandAugment} with timm's level → parameter mapping of the increasing variants. */
final class RandAugmentOps {
  private RandAugmentOps() {}

  /** The op as {@link RandAugment#applyOp(Op, Tensor, double, boolean, double[])} describes, with the 8-bit fill. */
  static Tensor apply(Op op, Tensor image, double level, boolean negate, double[] fill) {
    double sign = negate ? -1 : 1;
    double factor = Math.max(0.1, 1 + sign * 0.9 * level);
    try (NoGradGuard g = new NoGradGuard()) {
      return switch (op) {
        case AUTO_CONTRAST -> {
          Tensor lo = torch.amin(image, new long[] {1, 2}, true);
          Tensor hi = torch.amax(image, new long[] {1, 2}, true);
          Tensor range = hi.sub(lo);
          Tensor scaled = image.sub(lo).div(range.clamp_min(new Scalar(1e-12)));
          yield torch.where(range.gt(new Scalar(0)), scaled, image);
        }
        case EQUALIZE -> PilEnhance.equalize(image);
        case INVERT -> image.neg().add(new Scalar(1.0));
        case SOLARIZE -> {
          int threshold = 256 - (int) (level * 256);
          yield torch.where(image.ge(new Scalar((threshold - 0.5) / 255)), image.neg().add(new Scalar(1.0)), image);
        }
        case SOLARIZE_ADD -> {
          double add = (int) (level * 110) / 255.0;
          Tensor added = PilEnhance.clamp01(image.add(new Scalar(add)));
          yield torch.where(image.lt(new Scalar(127.5 / 255)), added, image);
        }
        case POSTERIZE -> {
          int bits = 4 - (int) (level * 4);
          double step = Math.pow(2, 8 - bits);
          yield torch.floor(torch.round(image.mul(new Scalar(255.0))).div(new Scalar(step)))
              .mul(new Scalar(step / 255.0));
        }
        case COLOR -> PilEnhance.color(image, factor);
        case CONTRAST -> PilEnhance.contrast(image, factor);
        case BRIGHTNESS -> PilEnhance.clamp01(image.mul(new Scalar(factor)));
        case SHARPNESS -> PilEnhance.sharpness(image, factor);
        case ROTATE -> {
          double a = Math.toRadians(sign * 30 * level);
          double hw = (double) image.size(1) / image.size(2);
          yield affine(image, fill, Math.cos(a), -Math.sin(a) * hw, 0, Math.sin(a) / hw, Math.cos(a), 0);
        }
        case SHEAR_X -> {
          double s = sign * 0.3 * level * image.size(1) / image.size(2);
          yield affine(image, fill, 1, s, s, 0, 1, 0);
        }
        case SHEAR_Y -> {
          double s = sign * 0.3 * level * image.size(2) / image.size(1);
          yield affine(image, fill, 1, 0, 0, s, 1, s);
        }
        case TRANSLATE_X -> affine(image, fill, 1, 0, 2 * sign * 0.45 * level, 0, 1, 0);
        case TRANSLATE_Y -> affine(image, fill, 1, 0, 0, 0, 1, 2 * sign * 0.45 * level);
      };
    }
  }

  /**
   * Samples the image at {@code θ·(x, y, 1)} in normalized coordinates (−1…1 over the pixel edges) as PIL's affine
   * transform does: bicubic with the image's edge pixels repeated for taps beyond it, {@code fill} wherever the
   * sample point itself lies outside the image; clamped to [0, 1]. image [C, H, W] → [C, H, W].
   */
  private static Tensor affine(Tensor image, double[] fill, double a, double b, double c, double d, double e,
      double f) {
    long ch = image.size(0);
    long h = image.size(1);
    long w = image.size(2);
    Tensor theta = Tensors.floats(new float[] {(float) a, (float) b, (float) c, (float) d, (float) e, (float) f},
        1, 2, 3).to(image.device(), image.scalar_type());
    Tensor grid = torch.affine_grid_generator(theta, new long[] {1, ch, h, w}, false);
    Tensor sampled = torch.grid_sampler_2d(image.unsqueeze(0), grid, 2, 1, false).squeeze(0);
    // PIL: a sample point x is inside when 0 ≤ x < size, i.e. −1 ≤ g < 1
    Tensor inside = grid.ge(new Scalar(-1.0)).logical_and(grid.lt(new Scalar(1.0))).all(3); // [1, H, W]
    float[] fv = new float[(int) ch];
    for (int i = 0; i < fill.length; i++) {
      fv[i] = (float) fill[i];
    }
    Tensor fillT = Tensors.floats(fv, ch, 1, 1).to(image.device(), image.scalar_type());
    return PilEnhance.clamp01(torch.where(inside, sampled, fillT));
  }
}

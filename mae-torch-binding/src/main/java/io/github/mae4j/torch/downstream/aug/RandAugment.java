package io.github.mae4j.torch.downstream.aug;

import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.List;
import java.util.random.RandomGenerator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * RandAugment (Cubuk et al. 2020) in timm's {@code rand-mM-nN-mstdS} form with the increasing-severity ops, on
 * un-normalized images in [0, 1]: each image gets {@code n} ops drawn uniformly, each applied with probability 0.5 at
 * magnitude {@code m/10} (optionally jittered by N(0, mstd²)). Geometric ops fill with 0 (timm fills with grey).
 * Equalize and sharpness follow PIL ({@link PilEnhance}). timm's invert, solarize-add and colour ops are not here.
 */
public final class RandAugment {
  /** The operations. */
  public enum Op { IDENTITY, AUTO_CONTRAST, EQUALIZE, SOLARIZE, POSTERIZE, CONTRAST, BRIGHTNESS, SHARPNESS, ROTATE,
    SHEAR_X, SHEAR_Y, TRANSLATE_X, TRANSLATE_Y }

  private final int numOps;
  private final double magnitude;
  private final double magnitudeStd;
  private final RandomGenerator random;

  public RandAugment(int numOps, double magnitude, double magnitudeStd, RandomGenerator random) {
    if (numOps < 0 || !(magnitude >= 0 && magnitude <= 10) || !(magnitudeStd >= 0)) {
      throw new IllegalArgumentException("need numOps >= 0, magnitude in [0, 10], mstd >= 0; got n=" + numOps
          + ", m=" + magnitude + ", mstd=" + magnitudeStd);
    }
    this.numOps = numOps;
    this.magnitude = magnitude;
    this.magnitudeStd = magnitudeStd;
    this.random = random;
  }

  /**
   * Parses timm's notation, e.g. {@code rand-m9-mstd0.5-inc1} (n defaults to 2).
   *
   * @throws IllegalArgumentException for anything else
   */
  public static RandAugment parse(String spec, RandomGenerator random) {
    String[] parts = spec.split("-");
    if (parts.length == 0 || !parts[0].equals("rand")) {
      throw new IllegalArgumentException("RandAugment spec must start with 'rand-', got '" + spec + "'");
    }
    int n = 2;
    double m = 10;
    double mstd = 0;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i];
      try {
        if (p.startsWith("mstd")) {
          mstd = Double.parseDouble(p.substring(4));
        } else if (p.startsWith("m")) {
          m = Double.parseDouble(p.substring(1));
        } else if (p.startsWith("n")) {
          n = Integer.parseInt(p.substring(1));
        } else if (!p.startsWith("inc")) {
          throw new IllegalArgumentException("unknown RandAugment option '" + p + "' in '" + spec + "'");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad number in RandAugment option '" + p + "' of '" + spec + "'");
      }
    }
    return new RandAugment(n, m, mstd, random);
  }

  public int numOps() {
    return numOps;
  }

  public double magnitude() {
    return magnitude;
  }

  public double magnitudeStd() {
    return magnitudeStd;
  }

  /** image [C, H, W] in [0, 1] → augmented copy. */
  public Tensor apply(Tensor image) {
    if (image.dim() != 3) {
      throw new IllegalArgumentException("RandAugment needs one image [C, H, W], got " + Tensors.shape(image));
    }
    List<Op> ops = List.of(Op.values());
    Tensor x = image;
    for (int i = 0; i < numOps; i++) {
      Op op = ops.get(random.nextInt(ops.size()));
      if (random.nextDouble() >= 0.5) {
        continue;
      }
      double m = magnitudeStd > 0 ? magnitude + magnitudeStd * random.nextGaussian() : magnitude;
      double level = Math.max(0, Math.min(10, m)) / 10;
      x = applyOp(op, x, level, random.nextBoolean());
    }
    return x;
  }

  /**
   * One op at {@code level} ∈ [0, 1] (1 = strongest): rotate ±30°, shear ±0.3, translate ±45 % of the side,
   * contrast/brightness/sharpness factor 1 ± 0.9·level, equalize ignores the level, solarize threshold
   * 1 − level, posterize to 4 − ⌊4·level⌋ bits (≥ 1).
   * image [C, H, W] in [0, 1] → [C, H, W].
   */
  public static Tensor applyOp(Op op, Tensor image, double level, boolean negate) {
    double sign = negate ? -1 : 1;
    try (NoGradGuard g = new NoGradGuard()) {
      return switch (op) {
        case IDENTITY -> image;
        case AUTO_CONTRAST -> {
          Tensor lo = torch.amin(image, new long[] {1, 2}, true);
          Tensor hi = torch.amax(image, new long[] {1, 2}, true);
          Tensor range = hi.sub(lo);
          Tensor scaled = image.sub(lo).div(range.clamp_min(new Scalar(1e-12)));
          yield torch.where(range.gt(new Scalar(0)), scaled, image);
        }
        case SOLARIZE -> {
          double t = 1 - level;
          yield torch.where(image.ge(new Scalar(t)), image.neg().add(new Scalar(1.0)), image);
        }
        case POSTERIZE -> {
          int bits = Math.max(1, 4 - (int) (level * 4));
          double step = Math.pow(2, 8 - bits);
          yield torch.floor(image.mul(new Scalar(255.0)).div(new Scalar(step))).mul(new Scalar(step / 255.0));
        }
        case CONTRAST -> {
          double f = 1 + sign * 0.9 * level;
          Tensor mean = image.mean();
          yield clamp01(image.sub(mean).mul(new Scalar(f)).add(mean));
        }
        case BRIGHTNESS -> clamp01(image.mul(new Scalar(1 + sign * 0.9 * level)));
        case EQUALIZE -> PilEnhance.equalize(image);
        case SHARPNESS -> PilEnhance.sharpness(image, 1 + sign * 0.9 * level);
        case ROTATE -> {
          double a = Math.toRadians(sign * 30 * level);
          yield affine(image, Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0);
        }
        case SHEAR_X -> affine(image, 1, sign * 0.3 * level, 0, 0, 1, 0);
        case SHEAR_Y -> affine(image, 1, 0, 0, sign * 0.3 * level, 1, 0);
        case TRANSLATE_X -> affine(image, 1, 0, -2 * sign * 0.45 * level, 0, 1, 0);
        case TRANSLATE_Y -> affine(image, 1, 0, 0, 0, 1, -2 * sign * 0.45 * level);
      };
    }
  }

  private static Tensor clamp01(Tensor x) {
    return PilEnhance.clamp01(x);
  }

  /** Samples the image at {@code θ·(x, y, 1)} in normalized coordinates (bilinear, zeros outside). */
  private static Tensor affine(Tensor image, double a, double b, double c, double d, double e, double f) {
    long ch = image.size(0);
    long h = image.size(1);
    long w = image.size(2);
    Tensor theta = Tensors.floats(new float[] {(float) a, (float) b, (float) c, (float) d, (float) e, (float) f},
        1, 2, 3);
    Tensor grid = torch.affine_grid_generator(theta, new long[] {1, ch, h, w}, false);
    return torch.grid_sampler_2d(image.unsqueeze(0), grid, 0, 0, false).squeeze(0);
  }
}

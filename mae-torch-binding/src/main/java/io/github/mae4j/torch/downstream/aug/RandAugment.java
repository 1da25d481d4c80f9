package io.github.mae4j.torch.downstream.aug;

import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.bytedeco.pytorch.Tensor;

/**
 * RandAugment (Cubuk et al. 2020) in timm's {@code rand-mM-nN-mstdS-inc1} form, on un-normalized images [C, H, W]
 * (C = 1 or 3) in [0, 1]: each image gets {@code n} ops drawn uniformly with replacement from the 15 of timm's
 * {@code _RAND_INCREASING_TRANSFORMS} ({@link Op}), each applied with probability 0.5 at magnitude {@code m}
 * (jittered by N(0, mstd²) per op when mstd &gt; 0), clipped to [0, 10]. The level {@code m/10} maps to each op's
 * parameter as timm does ({@link #applyOp(Op, Tensor, double, boolean, double[])}). Geometric ops fill the
 * uncovered area with the fill colour: timm uses the dataset mean ({@code img_mean}, the normalization mean × 255
 * rounded), given here through {@link #withFill} or the constructor / {@link #parse} overloads; without one it is 0.
 */
public final class RandAugment {
  /** The operations of timm's increasing RandAugment, in timm's order. */
  public enum Op { AUTO_CONTRAST, EQUALIZE, INVERT, ROTATE, POSTERIZE, SOLARIZE, SOLARIZE_ADD, COLOR, CONTRAST,
    BRIGHTNESS, SHARPNESS, SHEAR_X, SHEAR_Y, TRANSLATE_X, TRANSLATE_Y }

  /** One draw: which op, whether it fires (probability 0.5), its level in [0, 1] and its sign. */
  record Draw(Op op, boolean applied, double level, boolean negate) {}

  private static final Op[] OPS = Op.values();

  private final int numOps;
  private final double magnitude;
  private final double magnitudeStd;
  private final double[] fill;
  private final RandomGenerator random;

  /** Same as {@link #RandAugment(int, double, double, double[], RandomGenerator)} with fill 0. */
  public RandAugment(int numOps, double magnitude, double magnitudeStd, RandomGenerator random) {
    this(numOps, magnitude, magnitudeStd, new double[0], random);
  }

  /**
   * @param fillMean per-channel fill in [0, 1] for geometric ops (the normalization mean), rounded to 8 bits as timm
   *     does ({@code round(255·mean) / 255}); empty for 0 in every channel
   */
  public RandAugment(int numOps, double magnitude, double magnitudeStd, double[] fillMean, RandomGenerator random) {
    if (numOps < 0 || !(magnitude >= 0 && magnitude <= 10) || !(magnitudeStd >= 0)) {
      throw new IllegalArgumentException("need numOps >= 0, magnitude in [0, 10], mstd >= 0; got n=" + numOps
          + ", m=" + magnitude + ", mstd=" + magnitudeStd);
    }
    this.numOps = numOps;
    this.magnitude = magnitude;
    this.magnitudeStd = magnitudeStd;
    this.fill = roundFill(fillMean);
    this.random = random;
  }

  /** Same as {@link #parse(String, double[], RandomGenerator)} with fill 0. */
  public static RandAugment parse(String spec, RandomGenerator random) {
    return parse(spec, new double[0], random);
  }

  /**
   * Parses timm's notation, e.g. {@code rand-m9-mstd0.5-inc1} (n defaults to 2, m to 10; {@code inc} is accepted,
   * the increasing ops are the only ones here).
   *
   * @param fillMean per-channel fill in [0, 1] for geometric ops, empty for 0
   * @throws IllegalArgumentException for anything else
   */
  public static RandAugment parse(String spec, double[] fillMean, RandomGenerator random) {
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
    return new RandAugment(n, m, mstd, fillMean, random);
  }

  /**
   * This RandAugment with the fill {@code fillMean} (per channel, in [0, 1], rounded to 8 bits), drawing from the
   * same random generator.
   */
  public RandAugment withFill(double[] fillMean) {
    return new RandAugment(numOps, magnitude, magnitudeStd, fillMean, random);
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

  /** The fill of geometric ops per channel in [0, 1] (multiples of 1/255); empty means 0. */
  public double[] fill() {
    return fill.clone();
  }

  /** image [C, H, W] (C = 1 or 3) in [0, 1] → augmented copy [C, H, W]. */
  public Tensor apply(Tensor image) {
    if (image.dim() != 3 || (image.size(0) != 1 && image.size(0) != 3)) {
      throw new IllegalArgumentException("RandAugment needs one image [C, H, W] with C = 1 or 3, got "
          + Tensors.shape(image));
    }
    if (fill.length != 0 && fill.length != image.size(0)) {
      throw new IllegalArgumentException("RandAugment fill has " + fill.length + " channels, the image has "
          + image.size(0));
    }
    Tensor x = image;
    for (int i = 0; i < numOps; i++) {
      Draw d = draw();
      if (d.applied()) {
        x = RandAugmentOps.apply(d.op(), x, d.level(), d.negate(), fill);
      }
    }
    return x;
  }

  /** Draws one op as {@link #apply} does: uniform op, fires with probability 0.5, jittered level, random sign. */
  Draw draw() {
    Op op = OPS[random.nextInt(OPS.length)];
    boolean applied = random.nextDouble() < 0.5;
    double m = magnitudeStd > 0 ? magnitude + magnitudeStd * random.nextGaussian() : magnitude;
    return new Draw(op, applied, Math.max(0, Math.min(10, m)) / 10, random.nextBoolean());
  }

  /** {@link #applyOp(Op, Tensor, double, boolean, double[])} with fill 0. image [C, H, W] in [0, 1] → [C, H, W]. */
  public static Tensor applyOp(Op op, Tensor image, double level, boolean negate) {
    return RandAugmentOps.apply(op, image, level, negate, new double[0]);
  }

  /**
   * One op at {@code level = m/10} ∈ [0, 1] (1 = strongest), as timm's {@code *_level_to_arg} of the increasing
   * variants and PIL, with 8-bit pixel values {@code round(255·x)}:
   * <ul>
   *   <li>auto-contrast (per channel min → 0, max → 1), equalize ({@link PilEnhance#equalize}), invert
   *       ({@code 1 − x}) ignore the level;</li>
   *   <li>rotate by ±30·level degrees about the centre (positive = counter-clockwise, as PIL);</li>
   *   <li>posterize keeps {@code 4 − ⌊4·level⌋} bits (0 bits at level 1: black, as PIL);</li>
   *   <li>solarize inverts pixels whose 8-bit value is ≥ {@code 256 − ⌊256·level⌋};</li>
   *   <li>solarize-add adds {@code ⌊110·level⌋ / 255} to pixels whose 8-bit value is &lt; 128, clamped to 1;</li>
   *   <li>colour, contrast, brightness, sharpness blend with factor {@code max(0.1, 1 ± 0.9·level)}
   *       ({@link PilEnhance#color}, {@link PilEnhance#contrast}, black, {@link PilEnhance#sharpness});</li>
   *   <li>shear X / Y by ±0.3·level about the top-left corner (PIL's affine {@code (1, s, 0, 0, 1, 0)} /
   *       {@code (1, 0, 0, s, 1, 0)});</li>
   *   <li>translate X / Y by ±0.45·level of the width / height (positive moves the content left / up, as PIL).</li>
   * </ul>
   * {@code negate} picks the sign where timm draws one (rotate, enhancers, shear, translate). Geometric ops sample
   * bicubically (timm's interpolation under MAE's {@code bicubic}) as PIL's affine transform does: taps beyond the
   * image repeat its edge pixels, and every pixel whose sample point lies outside the image gets the fill.
   *
   * <p>image [C, H, W] in [0, 1] → [C, H, W].
   *
   * @param fillMean per-channel fill in [0, 1] (rounded to 8 bits as timm's {@code img_mean}), empty for 0
   */
  public static Tensor applyOp(Op op, Tensor image, double level, boolean negate, double[] fillMean) {
    return RandAugmentOps.apply(op, image, level, negate, roundFill(fillMean));
  }

  /** timm's {@code img_mean}: {@code min(255, round(255·mean))} (half to even), here divided by 255 again. */
  private static double[] roundFill(double[] mean) {
    double[] out = new double[mean.length];
    for (int i = 0; i < mean.length; i++) {
      if (!(mean[i] >= 0 && mean[i] <= 1)) {
        throw new IllegalArgumentException("RandAugment fill must be in [0, 1] per channel, got "
            + Arrays.toString(mean));
      }
      out[i] = Math.min(255, Math.rint(255 * mean[i])) / 255.0; // Python round: half to even
    }
    return out;
  }
}

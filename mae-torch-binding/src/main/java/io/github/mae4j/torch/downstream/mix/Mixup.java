package io.github.mae4j.torch.downstream.mix;

import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.random.RandomGenerator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Batch-mode Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) with label smoothing, as timm's {@code Mixup}
 * that MAE fine-tuning uses (mixup α 0.8, cutmix α 1.0, switch probability 0.5, smoothing 0.1). Each batch is mixed
 * with a permutation of itself ({@link Pairing}: reversed, as timm, or adjacent pairs, which a data-parallel job
 * needs); λ ~ Beta(α, α); CutMix corrects λ to the pasted box's real area.
 */
public final class Mixup {
  private final double mixupAlpha;
  private final double cutmixAlpha;
  private final double prob;
  private final double switchProb;
  private final double smoothing;
  private final int numClasses;
  private final RandomGenerator random;
  private final Pairing pairing;

  /** Which image each image of a batch is mixed with. */
  public enum Pairing {
    /** Image i with image N−1−i: timm's batch mode ({@code x.flip(0)}). */
    REVERSED,
    /**
     * Image i with image {@code i XOR 1} (0↔1, 2↔3, …; the last image of an odd batch with itself): a partner is
     * always in the same aligned pair, so a global batch split into even-sized contiguous blocks, one per process,
     * mixes exactly as one process mixing the whole batch.
     */
    ADJACENT;

    /** The partner of each row of a batch of {@code n}: [n] int64. */
    Tensor partners(long n) {
      long[] p = new long[(int) n];
      for (int i = 0; i < n; i++) {
        p[i] = this == REVERSED ? n - 1 - i : (i ^ 1) < n ? i ^ 1 : i;
      }
      return Tensors.longs(p, n);
    }
  }

  /** The outcome of one call: images [N, C, H, W], soft targets [N, classes], λ and whether CutMix was used. */
  public record Mixed(Tensor images, Tensor targets, double lambda, boolean cutmix) {}

  public Mixup(double mixupAlpha, double cutmixAlpha, double prob, double switchProb, double smoothing,
      int numClasses, RandomGenerator random) {
    this(mixupAlpha, cutmixAlpha, prob, switchProb, smoothing, numClasses, random, Pairing.REVERSED);
  }

  /**
   * As {@link #Mixup(double, double, double, double, double, int, RandomGenerator)}, mixing each image with its
   * {@code pairing} partner.
   */
  public Mixup(double mixupAlpha, double cutmixAlpha, double prob, double switchProb, double smoothing,
      int numClasses, RandomGenerator random, Pairing pairing) {
    if (mixupAlpha < 0 || cutmixAlpha < 0) {
      throw new IllegalArgumentException("alphas must be >= 0, got mixup " + mixupAlpha + ", cutmix " + cutmixAlpha);
    }
    if (!(prob >= 0 && prob <= 1) || !(switchProb >= 0 && switchProb <= 1) || !(smoothing >= 0 && smoothing < 1)) {
      throw new IllegalArgumentException("prob (" + prob + "), switchProb (" + switchProb + ") must be in [0, 1]"
          + " and smoothing (" + smoothing + ") in [0, 1)");
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses (" + numClasses + ") must be >= 2");
    }
    this.mixupAlpha = mixupAlpha;
    this.cutmixAlpha = cutmixAlpha;
    this.prob = prob;
    this.switchProb = switchProb;
    this.smoothing = smoothing;
    this.numClasses = numClasses;
    this.random = random;
    this.pairing = pairing;
  }

  /** MAE's fine-tuning settings: mixup 0.8, cutmix 1.0, prob 1, switch 0.5, smoothing 0.1. */
  public static Mixup maeDefaults(int numClasses, RandomGenerator random) {
    return new Mixup(0.8, 1.0, 1.0, 0.5, 0.1, numClasses, random);
  }

  /** images [N, C, H, W], labels [N] (int64) → mixed images and soft targets; the input is not modified. */
  public Mixed apply(Tensor images, Tensor labels) {
    if (images.dim() != 4 || labels.dim() != 1 || labels.size(0) != images.size(0)) {
      throw new IllegalArgumentException("need images [N, C, H, W] and labels [N], got "
          + Tensors.shape(images) + " and " + Tensors.shape(labels));
    }
    boolean active = (mixupAlpha > 0 || cutmixAlpha > 0) && random.nextDouble() < prob;
    if (!active) {
      return new Mixed(images, mixTargets(labels, numClasses, 1.0, smoothing, pairing), 1.0, false);
    }
    boolean cutmix = cutmixAlpha > 0 && (mixupAlpha == 0 || random.nextDouble() < switchProb);
    double lam = Beta.sample(cutmix ? cutmixAlpha : mixupAlpha, random);
    Tensor out;
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor flipped = images.index_select(0, pairing.partners(images.size(0)));
      if (cutmix) {
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        CutmixBox box = CutmixBox.sample(lam, h, w, random);
        out = images.clone();
        if (box.area() > 0) {
          int bh = box.y1() - box.y0();
          int bw = box.x1() - box.x0();
          out.narrow(2, box.y0(), bh).narrow(3, box.x0(), bw)
              .copy_(flipped.narrow(2, box.y0(), bh).narrow(3, box.x0(), bw));
        }
        lam = box.lambda(h, w);
      } else {
        out = images.mul(new Scalar(lam)).add(flipped.mul(new Scalar(1 - lam)));
      }
    }
    return new Mixed(out, mixTargets(labels, numClasses, lam, smoothing, pairing), lam, cutmix);
  }

  /**
   * labels [N] → [N, classes] with {@code 1 − s + s/C} on the label and {@code s/C} elsewhere.
   *
   * @throws IllegalArgumentException when a label is outside [0, classes)
   */
  public static Tensor smoothOneHot(Tensor labels, int numClasses, double smoothing) {
    long[] l = Tensors.toLongArray(labels);
    float off = (float) (smoothing / numClasses);
    float on = (float) (1 - smoothing) + off;
    float[] v = new float[l.length * numClasses];
    java.util.Arrays.fill(v, off);
    for (int i = 0; i < l.length; i++) {
      if (l[i] < 0 || l[i] >= numClasses) {
        throw new IllegalArgumentException("label " + l[i] + " at " + i + " is outside [0, " + numClasses + ")");
      }
      v[i * numClasses + (int) l[i]] = on;
    }
    return Tensors.floats(v, l.length, numClasses);
  }

  /** labels [N] → {@code λ·smooth(labels) + (1−λ)·smooth(reversed labels)} [N, classes]. */
  public static Tensor mixTargets(Tensor labels, int numClasses, double lambda, double smoothing) {
    return mixTargets(labels, numClasses, lambda, smoothing, Pairing.REVERSED);
  }

  /** labels [N] → {@code λ·smooth(labels) + (1−λ)·smooth(partners' labels)} [N, classes]. */
  public static Tensor mixTargets(Tensor labels, int numClasses, double lambda, double smoothing, Pairing pairing) {
    Tensor y1 = smoothOneHot(labels, numClasses, smoothing);
    Tensor y2 = smoothOneHot(labels.index_select(0, pairing.partners(labels.size(0))), numClasses, smoothing);
    return y1.mul(new Scalar(lambda)).add(y2.mul(new Scalar(1 - lambda)));
  }

  /** Beta(α, α) sampling through two Gamma draws (Marsaglia–Tsang). */
  static final class Beta {
    private Beta() {}

    static double sample(double alpha, RandomGenerator r) {
      double x = gamma(alpha, r);
      double y = gamma(alpha, r);
      return x + y == 0 ? 0.5 : x / (x + y);
    }

    static double gamma(double shape, RandomGenerator r) {
      if (shape < 1) {
        return gamma(shape + 1, r) * Math.pow(r.nextDouble(), 1.0 / shape);
      }
      double d = shape - 1.0 / 3;
      double c = 1.0 / Math.sqrt(9 * d);
      while (true) {
        double x = r.nextGaussian();
        double v = 1 + c * x;
        if (v <= 0) {
          continue;
        }
        v = v * v * v;
        double u = r.nextDouble();
        if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
          return d * v;
        }
      }
    }
  }
}

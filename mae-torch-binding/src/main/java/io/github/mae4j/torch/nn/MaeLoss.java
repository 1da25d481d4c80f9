package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Tensor;

/** The MAE reconstruction loss: per-patch mean squared error, averaged over the removed patches only. */
public final class MaeLoss {
  /** Added to the per-patch variance before the square root when normalizing targets (as the reference). */
  public static final double NORM_PIX_EPS = 1e-6;

  private MaeLoss() {}

  /**
   * target patches [N, L, P] → each patch normalized by its own mean and unbiased variance:
   * {@code (t − mean) / sqrt(var + 1e-6)}.
   */
  public static Tensor normalizePatches(Tensor target) {
    Tensor mean = target.mean(new long[] {-1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
    Tensor var = target.var(new long[] {-1}, true, true);
    return target.sub(mean).div(var.add(new org.bytedeco.pytorch.Scalar(NORM_PIX_EPS)).sqrt());
  }

  /**
   * target [N, L, P], pred [N, L, P], mask [N, L] (1 = removed) → scalar loss
   * {@code Σ(mean_P((pred − target)²) · mask) / Σ mask}; the target is normalized per patch first when
   * {@code normPixLoss}.
   */
  public static Tensor forwardLoss(Tensor target, Tensor pred, Tensor mask, boolean normPixLoss) {
    Tensor t = normPixLoss ? normalizePatches(target) : target;
    Tensor perPatch = pred.sub(t).square().mean(new long[] {-1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
    return perPatch.mul(mask).sum().div(mask.sum());
  }
}

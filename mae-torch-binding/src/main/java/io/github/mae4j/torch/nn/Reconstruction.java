package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * Images rebuilt by the model from its visible patches. The one place where predictions become pixels, for the
 * model's {@code reconstruct} and for the reconstruction grids alike.
 *
 * @param predicted [N, C, H, W]: the model's prediction for every patch, in pixel units (see {@code pixelScale})
 * @param pasted [N, C, H, W]: the visible patches of the input with the predicted ones in the removed places
 * @param mask [N, L]: 0 kept, 1 removed
 * @param pixelScale how predictions were mapped back to pixels
 */
public record Reconstruction(Tensor predicted, Tensor pasted, Tensor mask, PixelScale pixelScale) {

  /** Which statistics turn a normalized-pixel model's predictions (normPixLoss) back into pixels. */
  public enum PatchStatistics {
    /**
     * Statistics of the VISIBLE patches of the same image only: {@code pred · sqrt(v̄ + 1e-6) + m̄}, where m̄ and v̄
     * are the averages over visible patches of each patch's mean and unbiased variance. Shows only what the model
     * could know; local brightness and contrast of a removed patch are approximate.
     */
    VISIBLE,
    /**
     * An ORACLE: each removed patch's own true mean and variance, as MAE visualizations of normalized-pixel models
     * do. Shows the predicted structure at a brightness and contrast the model was not given; label it as such.
     */
    TRUE_ORACLE
  }

  /** How predictions became pixels. */
  public enum PixelScale {
    /** The model predicts pixels (normPixLoss off): predictions used as they are. */
    RAW,
    /** Normalized predictions mapped back with the visible patches' statistics ({@link PatchStatistics#VISIBLE}). */
    VISIBLE_IMAGE_STATS,
    /** Normalized predictions mapped back with each patch's true statistics ({@link PatchStatistics#TRUE_ORACLE}). */
    TRUE_PATCH_STATS_ORACLE
  }

  /**
   * A forward output → predicted and pasted images: images [N, C, H, W], out (pred [N, L, p²·C], mask [N, L]) →
   * [N, C, H, W] twice. Models trained on raw pixels are drawn as they predict, whatever {@code stats} says.
   */
  static Reconstruction of(MaskedAutoencoder model, Tensor images, MaeOutput out, PatchStatistics stats) {
    Tensor target = model.patchify(images);                         // [N, L, P]
    Tensor pred = out.pred();
    Tensor removed = out.mask().unsqueeze(-1);                      // [N, L, 1]
    Tensor visible = removed.neg().add(new Scalar(1.0));
    PixelScale scale = PixelScale.RAW;
    if (model.config().isNormPixLoss()) {
      Tensor mean = target.mean(new long[] {-1}, true, new ScalarTypeOptional());   // [N, L, 1]
      Tensor var = target.var(new long[] {-1}, true, true);
      if (stats == PatchStatistics.VISIBLE) {
        Tensor count = visible.sum(new long[] {1}, true, new ScalarTypeOptional());
        mean = mean.mul(visible).sum(new long[] {1}, true, new ScalarTypeOptional()).div(count);  // [N, 1, 1]
        var = var.mul(visible).sum(new long[] {1}, true, new ScalarTypeOptional()).div(count);
        scale = PixelScale.VISIBLE_IMAGE_STATS;
      } else {
        scale = PixelScale.TRUE_PATCH_STATS_ORACLE;
      }
      pred = pred.mul(var.add(new Scalar(MaskedAutoencoder.NORM_PIX_EPS)).sqrt()).add(mean);
    }
    Tensor pasted = target.mul(visible).add(pred.mul(removed));
    return new Reconstruction(model.unpatchify(pred), model.unpatchify(pasted), out.mask(), scale);
  }
}

package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * Images rebuilt by the model from its visible patches.
 *
 * @param predicted [N, C, H, W]: the model's prediction for every patch, in pixel units (see {@code pixelScale})
 * @param pasted [N, C, H, W]: the visible patches of the input with the predicted ones in the removed places
 * @param mask [N, L]: 0 kept, 1 removed
 * @param pixelScale how predictions were mapped back to pixels
 */
public record Reconstruction(Tensor predicted, Tensor pasted, Tensor mask, PixelScale pixelScale) {

  /** How predictions become pixels. */
  public enum PixelScale {
    /** The model predicts pixels (normPixLoss off): predictions used as they are. */
    RAW,
    /**
     * The model predicts per-patch normalized pixels (normPixLoss on). Each prediction is mapped back with
     * statistics of the VISIBLE patches of the same image only: {@code pred · sqrt(v̄ + 1e-6) + m̄}, where m̄ and v̄
     * are the averages over visible patches of each patch's mean and unbiased variance. The removed patches' own
     * statistics are never used, so the image shows only what the model could know; local brightness and
     * contrast of a removed patch are therefore approximate.
     */
    VISIBLE_IMAGE_STATS
  }
}

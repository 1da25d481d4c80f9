package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Feature extraction without masking, and reconstruction of masked images into pixel space. */
final class FeatureExtraction {
  private FeatureExtraction() {}

  /** images [N, C, H', W'] → cls [N, D], meanPatch [N, D], tokens [N, 1 + L', D]. */
  static Features features(MaeModule m, Tensor images) {
    int p = m.config.getPatchSize();
    long h = images.size(2) / p;
    long w = images.size(3) / p;
    Tensor x = m.patchEmbed.forward(images);
    x = x.add(patchPositions(m.posEmbed, m.config.getGridSize(), h, w));
    Tensor tokens = m.encodeWithCls(x, m.posEmbed.narrow(1, 0, 1));
    Tensor cls = tokens.select(1, 0);
    Tensor mean = tokens.narrow(1, 1, h * w).mean(new long[] {1}, false, new ScalarTypeOptional());
    return new Features(cls, mean, tokens);
  }

  /**
   * posEmbed [1, 1 + g², D] → the patch rows [1, h·w, D] for an h×w grid: as they are when h = w = g, else
   * resized bicubically (align_corners=false) as a D-channel g×g image.
   */
  static Tensor patchPositions(Tensor posEmbed, int g, long h, long w) {
    return PosEmbedGrid.resize(posEmbed.narrow(1, 1, (long) g * g), g, h, w);
  }

  /** A forward output → predicted and pasted images (see {@link Reconstruction.PixelScale}). */
  static Reconstruction reconstruct(MaskedAutoencoder model, Tensor images, MaeOutput out) {
    Tensor target = model.patchify(images);
    Tensor pred = out.pred();
    Tensor removed = out.mask().unsqueeze(-1);
    Reconstruction.PixelScale scale = Reconstruction.PixelScale.RAW;
    if (model.config().isNormPixLoss()) {
      Tensor visible = removed.neg().add(new Scalar(1.0));
      Tensor count = visible.sum(new long[] {1}, true, new ScalarTypeOptional());
      Tensor mean = target.mean(new long[] {-1}, true, new ScalarTypeOptional());
      Tensor var = target.var(new long[] {-1}, true, true);
      Tensor meanOfVisible = mean.mul(visible).sum(new long[] {1}, true, new ScalarTypeOptional()).div(count);
      Tensor varOfVisible = var.mul(visible).sum(new long[] {1}, true, new ScalarTypeOptional()).div(count);
      pred = pred.mul(varOfVisible.add(new Scalar(MaeLoss.NORM_PIX_EPS)).sqrt()).add(meanOfVisible);
      scale = Reconstruction.PixelScale.VISIBLE_IMAGE_STATS;
    }
    Tensor pasted = target.mul(removed.neg().add(new Scalar(1.0))).add(pred.mul(removed));
    return new Reconstruction(model.unpatchify(pred), model.unpatchify(pasted), out.mask(), scale);
  }
}

package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Feature extraction without masking, at the training size or another one. */
final class FeatureExtraction {
  private FeatureExtraction() {}

  /** images [N, C, H', W'] → cls [N, D], meanPatch [N, D], tokens [N, 1 + L', D]. */
  static Features features(MaskedAutoencoder model, Tensor images) {
    MaeModule m = model.module;
    int p = m.config.getPatchSize();
    long h = images.size(2) / p;
    long w = images.size(3) / p;
    Tensor x = m.patchEmbed.forward(images);
    x = x.add(PosEmbedGrid.resize(m.posEmbed.narrow(1, 1, m.config.getNumPatches()), m.config.getGridHeight(),
        m.config.getGridWidth(), h, w));
    Tensor tokens = model.encodeWithCls(x, m.posEmbed.narrow(1, 0, 1));
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
}

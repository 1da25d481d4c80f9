package io.github.mae4j.samples;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.downstream.vit.EncoderLoadReport;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import org.bytedeco.pytorch.Tensor;

/** A ViT classifier whose encoder comes from an MAE (docs/downstream.md). */
public final class ClassifierFromEncoder {
  private ClassifierFromEncoder() {}

  /**
   * The shape of the logits of {@code images} [N, C, H, W] under a 10-class classifier whose encoder is copied from
   * a fresh MAE of {@code config}.
   *
   * @throws IllegalStateException when encoder weights did not load (only the new head and fc_norm may be missing)
   */
  public static long[] logitsShape(MaeConfig config, Tensor images) {
    long[] shape;
    EncoderLoadReport r;
    // tag::classifier[]
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(config, 0);  // pretrained, or loaded from a checkpoint
         VitClassifier vit = new VitClassifier(config, 10, Pooling.AVERAGE, /*dropPath*/ 0.1, /*seed*/ 0)) {
      r = vit.loadEncoder(mae.stateDict());                            // by reference name; decoder keys ignored
      try (Tensor logits = vit.forward(images)) {                      // [N, C, H, W] → [N, classes]
        shape = new long[] {logits.size(0), logits.size(1)};
      }
    }
    // end::classifier[]
    // a fresh head and fc_norm are all that may be missing
    if (!r.loaded().contains("blocks.0.attn.qkv.weight")
        || r.missing().stream().anyMatch(n -> !n.startsWith("head.") && !n.startsWith("fc_norm."))) {
      throw new IllegalStateException("encoder weights missing: " + r.missing());
    }
    return shape;
  }
}

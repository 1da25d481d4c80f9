package io.github.mae4j.torch.downstream.eval;

import io.github.mae4j.torch.downstream.EncoderWeights;
import io.github.mae4j.torch.downstream.LabeledData;
import io.github.mae4j.torch.downstream.vit.EncoderLoadReport;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;

/**
 * A pretrained encoder used as a fixed feature extractor, as linear probing, k-NN and feature export use it: a
 * classifier of the encoder's architecture (no drop path, a fresh {@code fc_norm} and head that are never trained)
 * holding the encoder's weights, and its pooled features.
 */
public final class FrozenEncoder {
  /** Images per forward pass when features are computed. */
  public static final int BATCH = 256;

  private FrozenEncoder() {}

  /**
   * A classifier holding {@code weights} (random when it has none), pooling as asked.
   *
   * @param log told how many tensors were loaded from where, and whether {@code pos_embed} was interpolated
   */
  public static VitClassifier open(EncoderWeights weights, int numClasses, Pooling pooling, Consumer<String> log) {
    VitClassifier m = new VitClassifier(weights.model(), numClasses, pooling, 0.0, 0);
    if (weights.weights() != null) {
      EncoderLoadReport r = m.loadEncoder(weights.weights(), weights.model());
      log.accept("loaded " + r.loaded().size() + " encoder tensors from " + weights.description()
          + (r.posEmbedResized() ? " (pos_embed interpolated)" : ""));
    } else {
      log.accept("encoder: " + weights.description());
    }
    return m;
  }

  /** images [N, C, H, W] → pooled features [N, D], in batches of {@link #BATCH}, without gradients. */
  public static Tensor features(VitClassifier encoder, LabeledData data) {
    return Evaluation.features(encoder, data, BATCH);
  }
}

package io.github.mae4j.torch.downstream.eval;

import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.internal.Tensors;
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

  /**
   * The same, shared by the ranks of {@code dist}: rank r encodes the r-th of W contiguous slices into a zero buffer
   * of all N rows and one allreduce (sum) gathers them — exact, as every row is one rank's features plus zeros — so
   * every rank returns what one process computes. When a rank skipped an unreadable image in its slice (rows would
   * shift, and only that rank knows which label went with it), every rank encodes all of {@code data} itself
   * instead. Every rank must call it.
   */
  public static Tensor features(VitClassifier encoder, LabeledData data, DistributedContext dist) {
    if (!dist.isDistributed()) {
      return features(encoder, data);
    }
    long n = data.size();
    long from = n * dist.rank() / dist.worldSize();
    long to = n * (dist.rank() + 1) / dist.worldSize();
    int skippedBefore = data.skippedCount();
    Tensor mine = Evaluation.features(encoder, data, BATCH, from, to);
    double skipped = dist.allreduceSum(data.skippedCount() - skippedBefore)[0];
    if (skipped > 0) {
      return features(encoder, data);
    }
    Tensor all = Tensors.zeros(n, encoder.embedDim());
    all.narrow(0, from, to - from).copy_(mine);
    dist.allreduceSumInPlace(all);
    return all;
  }
}

package io.github.mae4j.torch.downstream.mix;

import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Cross-entropy against soft targets: {@code mean_n Σ_c −target[n,c]·log_softmax(logits)[n,c]}. */
public final class SoftTargetCrossEntropy {
  private SoftTargetCrossEntropy() {}

  /**
   * logits [N, C], targets [N, C] → scalar loss.
   *
   * @throws IllegalArgumentException when the shapes differ
   */
  public static Tensor loss(Tensor logits, Tensor targets) {
    if (!java.util.Arrays.equals(logits.shape(), targets.shape()) || logits.dim() != 2) {
      throw new IllegalArgumentException(
          "logits and targets must both be [N, C], got " + Tensors.shape(logits) + " and " + Tensors.shape(targets));
    }
    return torch.log_softmax(logits, 1).mul(targets).sum(1).neg().mean();
  }

  /** Label-smoothed cross-entropy on hard labels: {@link #loss} against {@link Mixup#smoothOneHot}. */
  public static Tensor labelSmoothing(Tensor logits, Tensor labels, double smoothing) {
    return loss(logits, Mixup.smoothOneHot(labels, (int) logits.size(1), smoothing));
  }
}

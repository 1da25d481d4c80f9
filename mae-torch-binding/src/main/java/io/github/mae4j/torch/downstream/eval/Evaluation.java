package io.github.mae4j.torch.downstream.eval;

import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** Batched inference without gradients, in evaluation mode. */
public final class Evaluation {
  private Evaluation() {}

  /** Top-1 and top-5 accuracy of the classifier on {@code data}. Restores the model's training flag. */
  public static TopKAccuracy classify(VitClassifier model, LabeledImages data, int batch) {
    TopKAccuracy acc = new TopKAccuracy(1, 5);
    boolean wasTraining = model.isTraining();
    model.train(false);
    try {
      for (long s = 0; s < data.size(); s += batch) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
          long len = Math.min(batch, data.size() - s);
          acc.add(model.forward(data.images().narrow(0, s, len)), data.labels().narrow(0, s, len));
        }
      }
    } finally {
      model.train(wasTraining);
    }
    return acc;
  }

  /**
   * images [N, C, H, W] → features [N, D] of the classifier's pooling (no head), computed in batches. The result is
   * allocated before the per-batch scopes, so it outlives them; build it outside any scope of your own.
   */
  public static Tensor features(VitClassifier model, Tensor images, int batch) {
    long n = images.size(0);
    Tensor out = Tensors.zeros(n, model.embedDim());
    boolean wasTraining = model.isTraining();
    model.train(false);
    try {
      for (long s = 0; s < n; s += batch) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
          long len = Math.min(batch, n - s);
          out.narrow(0, s, len).copy_(model.forwardFeatures(images.narrow(0, s, len)));
        }
      }
    } finally {
      model.train(wasTraining);
    }
    return out;
  }
}

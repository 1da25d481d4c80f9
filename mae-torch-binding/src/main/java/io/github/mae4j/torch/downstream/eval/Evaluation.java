package io.github.mae4j.torch.downstream.eval;

import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.LabeledData;
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
  public static TopKAccuracy classify(VitClassifier model, LabeledData data, int batch) {
    return classify(model, data, batch, DistributedContext.single());
  }

  /**
   * Top-1 and top-5 of the classifier on {@code data}, shared by the ranks of {@code context}: rank r classifies the
   * r-th of W contiguous slices and the counts are summed over the ranks, so every rank returns what one process
   * classifying all of {@code data} returns. Every rank must call it.
   */
  public static TopKAccuracy classify(VitClassifier model, LabeledData data, int batch, DistributedContext context) {
    TopKAccuracy acc = new TopKAccuracy(1, 5);
    long n = data.size();
    long from = n * context.rank() / context.worldSize();
    long to = n * (context.rank() + 1) / context.worldSize();
    boolean wasTraining = model.isTraining();
    model.train(false);
    try {
      for (long s = from; s < to; s += batch) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
          long len = Math.min(batch, to - s);
          LabeledImages b = data.range(s, len);
          if (s + batch < to) {
            data.prefetchRange(s + batch, Math.min(batch, to - s - batch));
          }
          if (b.labels().size(0) > 0) { // unreadable images were skipped with their labels
            acc.add(model.forward(b.images()), b.labels());
          }
        }
      }
    } finally {
      model.train(wasTraining);
    }
    return context.isDistributed() ? acc.summedOver(context) : acc;
  }

  /**
   * data [N] → features [M, D] of the classifier's pooling (no head), computed in batches read as they are needed
   * (M = N less the unreadable images skipped, in step with {@code data.labels()} read afterwards); allocated before
   * the per-batch scopes, as {@link #features(VitClassifier, Tensor, int)}.
   */
  public static Tensor features(VitClassifier model, LabeledData data, int batch) {
    return features(model, data, batch, 0, data.size());
  }

  /**
   * As {@link #features(VitClassifier, LabeledData, int)} for samples {@code [from, to)} of {@code data} only:
   * features [M, D], M = to − from less the unreadable images skipped.
   */
  public static Tensor features(VitClassifier model, LabeledData data, int batch, long from, long to) {
    long n = to - from;
    Tensor out = Tensors.zeros(n, model.embedDim());
    long filled = 0;
    boolean wasTraining = model.isTraining();
    model.train(false);
    try {
      for (long s = from; s < to; s += batch) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
          long len = Math.min(batch, to - s);
          Tensor images = data.range(s, len).images();
          if (s + batch < to) {
            data.prefetchRange(s + batch, Math.min(batch, to - s - batch));
          }
          long got = images.size(0); // fewer than len when unreadable images were skipped
          if (got > 0) {
            out.narrow(0, filled, got).copy_(model.forwardFeatures(images));
            filled += got;
          }
        }
      }
    } finally {
      model.train(wasTraining);
    }
    return filled == n ? out : out.narrow(0, 0, filled).clone();
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

package io.github.mae4j.torch.downstream.knn;

import io.github.mae4j.torch.downstream.eval.TopKAccuracy;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.global.torch;

/**
 * Weighted k-NN on frozen features (Wu et al. 2018, as DINO evaluates): features are L2-normalized, the k most
 * cosine-similar training samples vote for their class with weight {@code exp(sim / T)}. Defaults k = 20, T = 0.07.
 */
public final class KnnClassifier implements AutoCloseable {
  private final Tensor bank;
  private final Tensor bankLabels;
  private final int numClasses;
  private final int k;
  private final double temperature;
  private boolean closed;

  /**
   * Builds the bank from trainFeatures [N, D] and trainLabels [N] (copied, normalized). Build outside any per-step
   * PointerScope.
   */
  public KnnClassifier(Tensor trainFeatures, Tensor trainLabels, int numClasses, int k, double temperature) {
    if (trainFeatures.dim() != 2 || trainLabels.dim() != 1 || trainFeatures.size(0) != trainLabels.size(0)) {
      throw new IllegalArgumentException("need features [N, D] and labels [N], got "
          + Tensors.shape(trainFeatures) + " and " + Tensors.shape(trainLabels));
    }
    if (k < 1 || k > trainFeatures.size(0)) {
      throw new IllegalArgumentException("k (" + k + ") must be in [1, " + trainFeatures.size(0) + "]");
    }
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature (" + temperature + ") must be > 0");
    }
    this.numClasses = numClasses;
    this.k = k;
    this.temperature = temperature;
    try (NoGradGuard g = new NoGradGuard()) {
      bank = normalize(trainFeatures.detach().to(torch.ScalarType.Float)).contiguous();
      bankLabels = trainLabels.detach().to(torch.ScalarType.Long).contiguous().clone();
    }
  }

  /** k = 20, T = 0.07. */
  public static KnnClassifier withDefaults(Tensor trainFeatures, Tensor trainLabels, int numClasses) {
    return new KnnClassifier(trainFeatures, trainLabels, numClasses, 20, 0.07);
  }

  /** queries [B, D] → class votes [B, classes]: Σ over the k neighbours of exp(cos / T) into their class. */
  public Tensor votes(Tensor queries) {
    if (closed) {
      throw new IllegalStateException("KnnClassifier is closed");
    }
    if (queries.dim() != 2 || queries.size(1) != bank.size(1)) {
      throw new IllegalArgumentException(
          "queries must be [B, " + bank.size(1) + "], got " + Tensors.shape(queries));
    }
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor sim = normalize(queries.detach().to(torch.ScalarType.Float)).mm(bank.t());
      T_TensorTensor_T top = sim.topk(k, 1, true, true);
      Tensor weights = top.get0().div(new Scalar(temperature)).exp();
      Tensor neighbourLabels = bankLabels.index_select(0, top.get1().reshape(-1)).reshape(queries.size(0), k);
      return Tensors.zeros(queries.size(0), numClasses).scatter_add_(1, neighbourLabels, weights);
    }
  }

  /** queries [B, D] → predicted classes [B]. */
  public Tensor predict(Tensor queries) {
    return votes(queries).argmax(new org.bytedeco.pytorch.LongOptional(1), false);
  }

  /** Top-1 and top-5 accuracy over queries [M, D] / labels [M], in chunks of {@code batch}. */
  public TopKAccuracy evaluate(Tensor queries, Tensor labels, int batch) {
    TopKAccuracy acc = new TopKAccuracy(1, 5);
    long m = queries.size(0);
    for (long s = 0; s < m; s += batch) {
      try (PointerScope scope = new PointerScope()) {
        long len = Math.min(batch, m - s);
        acc.add(votes(queries.narrow(0, s, len)), labels.narrow(0, s, len));
      }
    }
    return acc;
  }

  private static Tensor normalize(Tensor x) {
    return x.div(x.norm(new org.bytedeco.pytorch.ScalarOptional(new Scalar(2.0)), new long[] {1}, true)
        .clamp_min(new Scalar(1e-12)));
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      bank.close();
      bankLabels.close();
    }
  }
}

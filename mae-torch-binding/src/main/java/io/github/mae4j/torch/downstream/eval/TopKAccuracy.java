package io.github.mae4j.torch.downstream.eval;

import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.Tensor;

/** Counts of correct top-k predictions, accumulated over batches. */
public final class TopKAccuracy {
  private final int[] ks;
  private final long[] correct;
  private long total;

  /** Tracks top-k for each k (e.g. 1, 5); a k above the class count counts as the class count. */
  public TopKAccuracy(int... ks) {
    if (ks.length == 0) {
      throw new IllegalArgumentException("give at least one k");
    }
    for (int k : ks) {
      if (k < 1) {
        throw new IllegalArgumentException("k (" + k + ") must be >= 1");
      }
    }
    this.ks = ks.clone();
    this.correct = new long[ks.length];
  }

  /** Adds a batch: scores [N, C] (logits or votes), labels [N]. */
  public void add(Tensor scores, Tensor labels) {
    if (scores.dim() != 2 || labels.dim() != 1 || scores.size(0) != labels.size(0)) {
      throw new IllegalArgumentException("need scores [N, C] and labels [N], got "
          + Tensors.shape(scores) + " and " + Tensors.shape(labels));
    }
    int maxK = 0;
    for (int k : ks) {
      maxK = Math.max(maxK, Math.min(k, (int) scores.size(1)));
    }
    Tensor top = scores.topk(maxK, 1, true, true).get1();
    Tensor hits = top.eq(labels.unsqueeze(1)).to(org.bytedeco.pytorch.global.torch.ScalarType.Long);
    for (int i = 0; i < ks.length; i++) {
      int k = Math.min(ks[i], maxK);
      correct[i] += hits.narrow(1, 0, k).sum().item_long();
    }
    total += scores.size(0);
  }

  /**
   * These counts summed over the ranks of {@code context} (one small allreduce; every rank gets the sums), so ranks
   * that each counted a share of the data hold the counts of one process that counted it all. Every rank must call
   * it with the same ks.
   */
  public TopKAccuracy summedOver(DistributedContext context) {
    double[] v = new double[ks.length + 1];
    for (int i = 0; i < ks.length; i++) {
      v[i] = correct[i];
    }
    v[ks.length] = total;
    double[] sum = context.allreduceSum(v);
    TopKAccuracy out = new TopKAccuracy(ks);
    for (int i = 0; i < ks.length; i++) {
      out.correct[i] = Math.round(sum[i]);
    }
    out.total = Math.round(sum[ks.length]);
    return out;
  }

  /** Samples seen. */
  public long total() {
    return total;
  }

  /** Fraction correct for the i-th k given to the constructor (0 when nothing was added). */
  public double accuracy(int index) {
    return total == 0 ? 0 : (double) correct[index] / total;
  }

  /** Top-1 when 1 was the first k. */
  public double top1() {
    return accuracy(0);
  }
}

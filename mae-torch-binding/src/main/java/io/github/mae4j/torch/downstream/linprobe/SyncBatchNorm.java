package io.github.mae4j.torch.downstream.linprobe;

import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.BatchNorm1dImpl;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The training-mode forward of the probe's BatchNorm1d (no affine) with the statistics of the global batch, as
 * torch's {@code SyncBatchNorm}: each rank sums its rows and their squares (in float64), one allreduce adds the sums
 * and the counts of all ranks, and the mean and biased variance of the global batch normalize the rank's rows; the
 * running statistics are updated from them (unbiased variance, the module's momentum) identically on every rank. A
 * single process gets exactly the statistics of its batch, so N ranks normalize as one process does.
 *
 * <p>Backward: only the forward statistics matter here. The probe's BatchNorm has no affine parameters and its input
 * is the frozen encoder's features, which require no gradient; the only trainable parameters (the linear layer's)
 * come after it, and their gradient {@code ∂L/∂W = ∂L/∂logits · x̂} needs x̂ only — the gradients through the mean
 * and variance flow solely towards the input, where nothing is trained. So this forward computes the statistics
 * without gradients and refuses an input that requires one (where torch's SyncBatchNorm would also have to allreduce
 * the gradients of the sums in backward).
 */
final class SyncBatchNorm {
  private SyncBatchNorm() {}

  /**
   * features [n, D] (no gradient) → normalized [n, D] with the global batch's statistics.
   *
   * @throws IllegalArgumentException when the features require a gradient, or are not [n, D] with D the BN's width
   */
  static Tensor forwardTraining(BatchNorm1dImpl bn, Tensor features, DistributedContext dist) {
    long d = bn.running_mean().size(0);
    if (features.dim() != 2 || features.size(1) != d) {
      throw new IllegalArgumentException("BatchNorm1d of " + d + " features needs [n, " + d + "], got "
          + Tensors.shape(features));
    }
    if (features.requires_grad()) {
      throw new IllegalArgumentException("the probe's synchronized BatchNorm normalizes frozen features: its input must "
          + "not require a gradient (backward through the global statistics is not implemented)");
    }
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor x = features.to(ScalarType.Double);
      Tensor count = torch.full(new long[] {1}, new Scalar((double) features.size(0)),
          new org.bytedeco.pytorch.TensorOptions(ScalarType.Double));
      Tensor sums = torch.cat(new TensorVector(x.sum(0), x.mul(x).sum(0), count)).contiguous();
      dist.allreduceSumInPlace(sums);
      double n = sums.select(0, 2 * d).item_double();
      if (n < 2) {
        throw new IllegalArgumentException("BatchNorm in training needs more than one value per channel, got a global "
            + "batch of " + (long) n);
      }
      Tensor mean = sums.narrow(0, 0, d).div(new Scalar(n));
      Tensor var = sums.narrow(0, d, d).div(new Scalar(n)).sub(mean.mul(mean)).clamp_min(new Scalar(0.0));
      double eps = bn.options().eps().get();
      double momentum = bn.options().momentum().has_value() ? bn.options().momentum().get() : 0.1;
      bn.running_mean().mul_(new Scalar(1 - momentum)).add_(mean.to(ScalarType.Float).mul(new Scalar(momentum)));
      bn.running_var().mul_(new Scalar(1 - momentum))
          .add_(var.mul(new Scalar(n / (n - 1) * momentum)).to(ScalarType.Float));
      bn.num_batches_tracked().add_(new Scalar(1));
      Tensor invStd = var.add(new Scalar(eps)).rsqrt();
      return features.sub(mean.to(ScalarType.Float)).mul(invStd.to(ScalarType.Float));
    }
  }
}

package io.github.mae4j.torch.train;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Dynamic loss scaling for float16 training (as PyTorch's {@code GradScaler}): the loss is multiplied by a large
 * scale before backward so small gradients survive fp16; the gradients are divided back before the update; a step
 * whose gradients hold inf/NaN is skipped and the scale halved; after {@code growthInterval} good steps in a row
 * the scale doubles.
 */
final class LossScaler {
  static final double INITIAL_SCALE = 65536.0;
  private final long growthInterval;
  private double scale;
  private long goodSteps;

  LossScaler(double scale, long goodSteps, long growthInterval) {
    this.scale = scale;
    this.goodSteps = goodSteps;
    this.growthInterval = growthInterval;
  }

  double scale() {
    return scale;
  }

  long goodSteps() {
    return goodSteps;
  }

  void restore(double scale, long goodSteps) {
    this.scale = scale;
    this.goodSteps = goodSteps;
  }

  /** {@code loss [] → loss × scale []}. */
  Tensor scaleLoss(Tensor loss) {
    return loss.mul(new org.bytedeco.pytorch.Scalar(scale));
  }

  /**
   * Divides every gradient by the scale and says whether all of them are finite. Tensors made here belong to
   * the caller's scope.
   */
  boolean unscale(List<Tensor> params) {
    boolean finite = true;
    double inv = 1.0 / scale;
    for (Tensor p : params) {
      Tensor g = p.grad();
      if (g.defined()) {
        g.mul_(new org.bytedeco.pytorch.Scalar(inv));
        if (finite && !g.isfinite().all().item_bool()) {
          finite = false;
        }
      }
    }
    return finite;
  }

  /** Updates the scale after a step whose gradients were ({@code finite}) or were not finite. */
  void update(boolean finite) {
    if (!finite) {
      scale = Math.max(scale * 0.5, 1.0);
      goodSteps = 0;
    } else if (++goodSteps >= growthInterval) {
      scale *= 2;
      goodSteps = 0;
    }
  }
}

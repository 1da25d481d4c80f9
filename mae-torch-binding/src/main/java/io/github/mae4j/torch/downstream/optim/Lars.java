package io.github.mae4j.torch.downstream.optim;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * LARS (You et al. 2017) as MAE uses it for linear probing. For each parameter p with gradient g:
 *
 * <pre>
 *   if p is not 1-D:  g ← g + wd·p;  q ← η·‖p‖/‖g‖ (1 when either norm is 0);  g ← q·g
 *   μ ← m·μ + g;  p ← p − lr·μ
 * </pre>
 *
 * 1-D parameters (biases, norm weights) get neither weight decay nor the trust ratio. Defaults: momentum 0.9,
 * trust coefficient η = 0.001, weight decay 0.
 */
public final class Lars implements AutoCloseable {
  private final List<Tensor> params;
  private final List<Tensor> momentumBuffers = new ArrayList<>();
  private final double weightDecay;
  private final double momentum;
  private final double trustCoefficient;
  private double lr;
  private boolean closed;

  public Lars(List<Tensor> params, double lr, double weightDecay, double momentum, double trustCoefficient) {
    if (params.isEmpty()) {
      throw new IllegalArgumentException("LARS needs at least one parameter, got none");
    }
    checkNonNegative("lr", lr);
    checkNonNegative("weightDecay", weightDecay);
    checkNonNegative("trustCoefficient", trustCoefficient);
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum (" + momentum + ") must be in [0, 1)");
    }
    this.params = List.copyOf(params);
    this.lr = lr;
    this.weightDecay = weightDecay;
    this.momentum = momentum;
    this.trustCoefficient = trustCoefficient;
    for (Tensor p : this.params) {
      // created here, outside any per-step PointerScope, so they live as long as the optimizer
      momentumBuffers.add(torch.zeros_like(p).detach());
    }
  }

  /** LARS with the MAE linear-probe defaults: momentum 0.9, trust coefficient 0.001, no weight decay. */
  public static Lars withDefaults(List<Tensor> params, double lr) {
    return new Lars(params, lr, 0.0, 0.9, 0.001);
  }

  public double learningRate() {
    return lr;
  }

  public void setLearningRate(double lr) {
    checkNonNegative("lr", lr);
    this.lr = lr;
  }

  /** The momentum buffers μ, one per parameter in the constructor's order (owned by this optimizer). */
  public List<Tensor> momentumBuffers() {
    checkOpen();
    return java.util.Collections.unmodifiableList(momentumBuffers);
  }

  /** Zeroes every gradient that exists. */
  public void zeroGrad() {
    checkOpen();
    for (Tensor p : params) {
      Tensor g = p.grad();
      if (g.defined()) {
        g.zero_();
      }
    }
  }

  /** One update from the current gradients; parameters without a gradient are skipped. */
  public void step() {
    checkOpen();
    try (NoGradGuard guard = new NoGradGuard()) {
      for (int i = 0; i < params.size(); i++) {
        Tensor p = params.get(i);
        Tensor dp = p.grad();
        if (!dp.defined()) {
          continue;
        }
        if (p.dim() > 1) {
          dp = dp.add(p, new Scalar(weightDecay));
          double paramNorm = p.norm().item_float();
          double updateNorm = dp.norm().item_float();
          double q = paramNorm > 0 && updateNorm > 0 ? trustCoefficient * paramNorm / updateNorm : 1.0;
          dp = dp.mul(new Scalar(q));
        }
        Tensor mu = momentumBuffers.get(i);
        mu.mul_(new Scalar(momentum)).add_(dp);
        p.add_(mu, new Scalar(-lr));
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Lars is closed");
    }
  }

  private static void checkNonNegative(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " (" + v + ") must be a finite number >= 0");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      momentumBuffers.forEach(Tensor::close);
    }
  }
}

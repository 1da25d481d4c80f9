package io.github.mae4j.torch.downstream.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * An exponential moving average of model weights (timm's {@code ModelEma}): after each step
 * {@code shadow ← decay·shadow + (1 − decay)·param}. Evaluate with the shadow by {@link #copyTo(Map)}.
 */
public final class ModelEma implements AutoCloseable {
  private final Map<String, Tensor> shadow = new LinkedHashMap<>();
  private final double decay;
  private boolean closed;

  /** Starts the average at the current weights. Build outside any per-step PointerScope. */
  public ModelEma(Map<String, Tensor> params, double decay) {
    if (!(decay >= 0 && decay <= 1)) {
      throw new IllegalArgumentException("EMA decay (" + decay + ") must be in [0, 1]");
    }
    this.decay = decay;
    try (NoGradGuard g = new NoGradGuard()) {
      params.forEach((k, v) -> shadow.put(k, v.detach().clone()));
    }
  }

  /** Folds the current weights into the average. */
  public void update(Map<String, Tensor> params) {
    if (closed) {
      throw new IllegalStateException("ModelEma is closed");
    }
    try (NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : shadow.entrySet()) {
        Tensor p = params.get(e.getKey());
        if (p == null) {
          throw new IllegalArgumentException("parameter '" + e.getKey() + "' is missing from the update");
        }
        e.getValue().mul_(new Scalar(decay)).add_(p.detach(), new Scalar(1 - decay));
      }
    }
  }

  /** The averaged weights by name (owned by this object). */
  public Map<String, Tensor> shadow() {
    return java.util.Collections.unmodifiableMap(shadow);
  }

  /** Writes the averaged weights into {@code params}. */
  public void copyTo(Map<String, Tensor> params) {
    try (NoGradGuard g = new NoGradGuard()) {
      shadow.forEach((k, v) -> {
        Tensor p = params.get(k);
        if (p != null) {
          p.copy_(v);
        }
      });
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      shadow.values().forEach(Tensor::close);
    }
  }
}

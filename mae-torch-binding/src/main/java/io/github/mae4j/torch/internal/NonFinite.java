package io.github.mae4j.torch.internal;

import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Where a NaN or infinity came from: the one check the model's forward ({@code nn}) and the trainer's diagnosis
 * ({@code train}) share.
 */
public final class NonFinite {
  private NonFinite() {}

  /** The number of NaN or infinite values in {@code t}. */
  public static long count(Tensor t) {
    try (PointerScope ignored = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
      return t.numel() - t.isfinite().sum().item_long();
    }
  }

  /** The name of the first floating-point tensor holding NaN or infinity, or null when all are finite. */
  public static @Nullable String firstTensor(Map<String, Tensor> named) {
    try (PointerScope ignored = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : named.entrySet()) {
        Tensor t = e.getValue();
        if (t.is_floating_point() && !t.isfinite().all().item_bool()) {
          return e.getKey();
        }
      }
      return null;
    }
  }
}

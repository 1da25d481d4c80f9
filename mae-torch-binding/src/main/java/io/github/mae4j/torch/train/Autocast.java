package io.github.mae4j.torch.train;

import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A region of mixed-precision autocast (libtorch has no context manager: this is one). Linear, matmul and the
 * like run in the low precision inside; the cast cache is cleared on exit, every iteration.
 *
 * <pre>{@code try (Autocast a = Autocast.enter(DeviceType.CUDA, Precision.BF16)) { loss = model.loss(x, g); }}</pre>
 */
final class Autocast implements AutoCloseable {
  private final DeviceType device;
  private final boolean active;
  private final boolean wasEnabled;
  private final ScalarType previousType;
  private boolean closed;

  private Autocast(DeviceType device, boolean active, boolean wasEnabled, ScalarType previousType) {
    this.device = device;
    this.active = active;
    this.wasEnabled = wasEnabled;
    this.previousType = previousType;
  }

  /** Enters autocast for {@code precision} on {@code device} ({@link Precision#FP32}: does nothing). */
  static Autocast enter(DeviceType device, Precision precision) {
    if (precision == Precision.FP32) {
      return new Autocast(device, false, false, ScalarType.Float);
    }
    if (precision == Precision.FP16 && device != DeviceType.CUDA) {
      throw new IllegalArgumentException("fp16 autocast needs a CUDA device, got " + device
          + " (use bf16 on the CPU)");
    }
    boolean was = torch.is_autocast_enabled(device);
    ScalarType prev = torch.get_autocast_dtype(device);
    torch.set_autocast_dtype(device, precision == Precision.BF16 ? ScalarType.BFloat16 : ScalarType.Half);
    torch.set_autocast_enabled(device, true);
    torch.increment_nesting();
    return new Autocast(device, true, was, prev);
  }

  @Override
  public void close() {
    if (closed || !active) {
      closed = true;
      return;
    }
    closed = true;
    if (torch.decrement_nesting() == 0) {
      torch.clear_cache();
    }
    torch.set_autocast_enabled(device, wasEnabled);
    torch.set_autocast_dtype(device, previousType);
  }
}

package io.github.mae4j.torch.run;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OutputArchive;

/**
 * An optimizer's full state (AdamW: {@code exp_avg}, {@code exp_avg_sq} and {@code step} per parameter, and the
 * group options) as bytes in libtorch's archive format, and back.
 */
public final class OptimizerState {
  private OptimizerState() {}

  /** The optimizer's state as the bytes of a libtorch {@link OutputArchive}. */
  public static byte[] save(Optimizer optimizer) {
    try (OutputArchive archive = new OutputArchive()) {
      optimizer.save(archive);
      return io.github.mae4j.torch.internal.ArchiveBytes.of(archive);
    }
  }

  /**
   * Loads state saved by {@link #save(Optimizer)} into an optimizer built the same way (same parameter groups,
   * same parameter order).
   */
  public static void load(Optimizer optimizer, byte[] state) {
    if (state.length == 0) {
      throw new IllegalArgumentException("empty optimizer state");
    }
    try (InputArchive archive = new InputArchive(); BytePointer data = new BytePointer(state)) {
      archive.load_from(data, state.length);
      optimizer.load(archive);
    } catch (RuntimeException e) {
      // libtorch's message carries a C++ backtrace: keep its first line only
      String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new IllegalArgumentException("the saved optimizer state does not fit this optimizer (other parameter "
          + "groups, parameter count or shapes): " + m, e);
    }
  }
}

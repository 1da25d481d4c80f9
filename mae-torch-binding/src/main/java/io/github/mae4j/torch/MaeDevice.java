package io.github.mae4j.torch;

import java.util.Locale;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * Where a model and its tensors live: {@code "cpu"} or {@code "cuda[:i]"}.
 *
 * <p>Asking for a CUDA device that this process cannot use fails at once with an {@link IllegalStateException}
 * ("CUDA requested but not available (…)") rather than later inside libtorch.
 */
public final class MaeDevice {
  private static final MaeDevice CPU = new MaeDevice(false, 0);

  private final boolean cuda;
  private final int index;

  private MaeDevice(boolean cuda, int index) {
    this.cuda = cuda;
    this.index = index;
  }

  /** The CPU. */
  public static MaeDevice cpu() {
    return CPU;
  }

  /**
   * CUDA device {@code index}.
   *
   * @throws IllegalArgumentException when {@code index} is negative
   * @throws IllegalStateException when CUDA is not available or has fewer devices
   */
  public static MaeDevice cuda(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
    }
    Torch.load();
    if (!torch.cuda_is_available()) {
      throw new IllegalStateException(
          "CUDA requested but not available (torch.cuda_is_available() is false in this libtorch build/machine;"
              + " use the 'gpu' profile's natives and a CUDA driver, or the device \"cpu\")");
    }
    int count = torch.cuda_device_count();
    if (index >= count) {
      throw new IllegalStateException(
          "CUDA requested but not available (device cuda:" + index + " asked, " + count + " device(s) present)");
    }
    return new MaeDevice(true, index);
  }

  /** The first CUDA device when one is usable, else the CPU. */
  public static MaeDevice best() {
    Torch.load();
    return torch.cuda_is_available() ? cuda(0) : CPU;
  }

  /**
   * Parses {@code "cpu"}, {@code "cuda"} or {@code "cuda:i"} (case-insensitive).
   *
   * @throws IllegalArgumentException on any other text
   * @throws IllegalStateException when a CUDA device is asked for and absent
   */
  public static MaeDevice parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("cpu")) {
      return CPU;
    }
    if (s.equals("cuda")) {
      return cuda(0);
    }
    if (s.startsWith("cuda:")) {
      try {
        return cuda(Integer.parseInt(s.substring(5)));
      } catch (NumberFormatException e) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException("device must be \"cpu\", \"cuda\" or \"cuda:<index>\", got \"" + text + "\"");
  }

  public boolean isCuda() {
    return cuda;
  }

  /** CUDA device index (0 for the CPU). */
  public int getIndex() {
    return index;
  }

  /** A new libtorch {@link Device} for this device (the caller owns it). */
  public Device toTorch() {
    Torch.load();
    return cuda ? new Device(torch.DeviceType.CUDA, (byte) index) : new Device(torch.DeviceType.CPU);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MaeDevice d && d.cuda == cuda && d.index == index;
  }

  @Override
  public int hashCode() {
    return cuda ? 1 + index : 0;
  }

  @Override
  public String toString() {
    return cuda ? "cuda:" + index : "cpu";
  }
}

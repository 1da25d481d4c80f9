package io.github.mae4j.torch.io.pth;

import java.io.IOException;

/** A checkpoint file is malformed, truncated, unsupported, or asks for something the reader refuses to do. */
public final class CheckpointFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}, which names the problem. */
  public CheckpointFormatException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public CheckpointFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}

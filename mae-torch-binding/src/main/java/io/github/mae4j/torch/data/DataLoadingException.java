package io.github.mae4j.torch.data;

/** A batch could not be produced; the message says which epoch, batch and sample, the cause says why. */
public final class DataLoadingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataLoadingException(String message, Throwable cause) {
    super(message, cause);
  }

  public DataLoadingException(String message) {
    super(message);
  }
}

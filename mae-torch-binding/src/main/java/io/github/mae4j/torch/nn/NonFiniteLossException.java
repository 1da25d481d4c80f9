package io.github.mae4j.torch.nn;

/**
 * The loss of a forward pass was NaN or infinite. A trainer can catch it, skip the batch and count it. The
 * message says whether the inputs or the parameters were already non-finite.
 */
public final class NonFiniteLossException extends ArithmeticException {
  private static final long serialVersionUID = 1L;
  private final float loss;

  public NonFiniteLossException(float loss, String context) {
    super("non-finite loss " + loss + " (" + context + ")");
    this.loss = loss;
  }

  /** The loss value seen (NaN or ±Infinity). */
  public float loss() {
    return loss;
  }
}

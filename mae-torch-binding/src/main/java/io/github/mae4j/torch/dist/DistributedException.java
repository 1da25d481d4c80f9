package io.github.mae4j.torch.dist;

/**
 * A distributed run cannot start or cannot go on: a wrong environment, a failed rendezvous, processes that
 * disagree on the recipe, or a peer that went away during a collective. The message is one line that says which.
 */
public final class DistributedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DistributedException(String message) {
    super(message);
  }

  public DistributedException(String message, Throwable cause) {
    super(message, cause);
  }
}

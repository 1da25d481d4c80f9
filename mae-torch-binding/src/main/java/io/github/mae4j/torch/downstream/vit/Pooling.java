package io.github.mae4j.torch.downstream.vit;

/** How the classifier turns the encoder's tokens into one feature vector. */
public enum Pooling {
  /**
   * Mean of the patch tokens, then a fresh LayerNorm {@code fc_norm} (the reference fine-tuning default,
   * {@code global_pool=True}); the checkpoint's final {@code norm} is not used.
   */
  AVERAGE,
  /** The final {@code norm} (from the checkpoint) applied to the tokens, then the cls token (linear-probe default). */
  CLS_TOKEN
}

package io.github.mae4j.api.recipe;

/** What a recipe trains; its {@link #id()} is the {@code kind} field of the recipe's JSON and YAML form. */
public enum RecipeKind {
  /** Masked-autoencoder pretraining of encoder and decoder. */
  PRETRAIN("pretrain"),
  /** End-to-end fine-tuning of the pretrained encoder with a classification head. */
  FINETUNE("finetune"),
  /** A linear classifier on the frozen pretrained encoder. */
  LINPROBE("linprobe");

  private final String id;

  RecipeKind(String id) {
    this.id = id;
  }

  /** The {@code kind} value in a recipe file: {@code pretrain}, {@code finetune} or {@code linprobe}. */
  public String id() {
    return id;
  }
}

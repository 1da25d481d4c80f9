package io.github.mae4j.api;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** What the encoder and the decoder have in common: a stack of pre-norm transformer blocks. */
public abstract class TransformerSpec {
  TransformerSpec() {}

  /** Token width D. */
  public abstract int getEmbedDim();

  /** Number of transformer blocks. */
  public abstract int getDepth();

  /** Attention heads per block. */
  public abstract int getNumHeads();

  /** MLP hidden width as a multiple of D (4 in every ViT). */
  public abstract double getMlpRatio();

  /** Width of one attention head: D / heads. */
  @JsonIgnore
  public int getHeadDim() {
    return getEmbedDim() / getNumHeads();
  }

  /** MLP hidden width, {@code int(D × mlpRatio)} as the reference computes it. */
  @JsonIgnore
  public int getMlpHiddenDim() {
    return (int) (getEmbedDim() * getMlpRatio());
  }

  /** Trainable parameters of one block: two LayerNorms, qkv and proj with bias, fc1 and fc2 with bias. */
  @JsonIgnore
  public long getBlockParameterCount() {
    long d = getEmbedDim();
    long h = getMlpHiddenDim();
    return 2 * (2 * d) + (d * 3 * d + 3 * d) + (d * d + d) + (d * h + h) + (h * d + d);
  }

  /** Multiply-accumulates of one block on {@code tokens} tokens (matmuls only; norms and softmax are noise). */
  public long blockMacs(long tokens) {
    long d = getEmbedDim();
    long h = getMlpHiddenDim();
    return tokens * d * 3 * d + 2 * tokens * tokens * d + tokens * d * d + 2 * tokens * d * h;
  }

  void validate(String prefix) {
    Checks.positive(prefix + ".embedDim", getEmbedDim());
    Checks.positive(prefix + ".depth", getDepth());
    Checks.positive(prefix + ".numHeads", getNumHeads());
    if (!(getMlpRatio() > 0) || Double.isInfinite(getMlpRatio())) {
      throw new IllegalArgumentException(
          prefix + ".mlpRatio (" + getMlpRatio() + ") must be a positive finite number");
    }
    if (getEmbedDim() % getNumHeads() != 0) {
      throw new IllegalArgumentException(
          prefix + ".embedDim (" + getEmbedDim() + ") must be divisible by " + prefix + ".numHeads ("
              + getNumHeads() + ")");
    }
    if (getEmbedDim() % 4 != 0) {
      throw new IllegalArgumentException(
          prefix + ".embedDim (" + getEmbedDim()
              + ") must be divisible by 4 for the 2D sin-cos position embedding");
    }
  }
}

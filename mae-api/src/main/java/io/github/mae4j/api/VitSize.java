package io.github.mae4j.api;

/**
 * The Vision Transformer encoder sizes named in the ViT/DeiT/MAE papers: width, depth, heads.
 *
 * <p>MAE uses B, L and H; Ti and S are here for small experiments.
 */
public enum VitSize {
  /** ViT-Ti: 192 wide, 12 deep, 3 heads (DeiT). */
  TINY(192, 12, 3),
  /** ViT-S: 384 wide, 12 deep, 6 heads (DeiT). */
  SMALL(384, 12, 6),
  /** ViT-B: 768 wide, 12 deep, 12 heads. */
  BASE(768, 12, 12),
  /** ViT-L: 1024 wide, 24 deep, 16 heads. */
  LARGE(1024, 24, 16),
  /** ViT-H: 1280 wide, 32 deep, 16 heads. */
  HUGE(1280, 32, 16);

  private final int embedDim;
  private final int depth;
  private final int numHeads;

  VitSize(int embedDim, int depth, int numHeads) {
    this.embedDim = embedDim;
    this.depth = depth;
    this.numHeads = numHeads;
  }

  public int getEmbedDim() {
    return embedDim;
  }

  public int getDepth() {
    return depth;
  }

  public int getNumHeads() {
    return numHeads;
  }
}

package io.github.mae4j.api;

/** How the removed patches are chosen (the paper's Table 1f / Figure 6). */
public enum MaskSampling {
  /** Uniform random patches per sample: shuffle by argsort of uniform noise, keep the first ⌊L·(1−r)⌋. */
  RANDOM,
  /**
   * Large random blocks, within the gridHeight × gridWidth patch grid, are removed (BEiT-style) until exactly
   * ⌊L·(1−r)⌋ patches remain visible.
   */
  BLOCK,
  /** One patch of every 2×2 cell is kept (mask ratio 0.75 only; both sides of the patch grid even). */
  GRID
}

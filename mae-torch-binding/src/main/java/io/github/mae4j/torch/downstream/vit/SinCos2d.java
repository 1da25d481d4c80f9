package io.github.mae4j.torch.downstream.vit;

/**
 * The fixed 2D sine-cosine position table of MAE (the reference {@code get_2d_sincos_pos_embed}): the first half of
 * each row encodes the patch's column, the second half its row, each as {@code [sin(pos·ω), cos(pos·ω)]} with
 * {@code ω_k = 1/10000^(k/(D/4))}. A local copy so that the classifier does not depend on the MAE module.
 */
public final class SinCos2d {
  private SinCos2d() {}

  /**
   * The table for a {@code grid × grid} patch grid, with {@code extraTokens} leading zero rows (the cls token).
   *
   * @return row-major values of shape [extraTokens + grid², dim]
   */
  public static float[] table(int dim, int grid, int extraTokens) {
    if (dim % 4 != 0) {
      throw new IllegalArgumentException("sin-cos embedding dim (" + dim + ") must be divisible by 4");
    }
    int quarter = dim / 4;
    float[] out = new float[(extraTokens + grid * grid) * dim];
    for (int r = 0; r < grid; r++) {
      for (int c = 0; c < grid; c++) {
        int base = (extraTokens + r * grid + c) * dim;
        for (int k = 0; k < quarter; k++) {
          double omega = 1.0 / Math.pow(10000.0, (double) k / quarter);
          out[base + k] = (float) Math.sin(c * omega);
          out[base + quarter + k] = (float) Math.cos(c * omega);
          out[base + 2 * quarter + k] = (float) Math.sin(r * omega);
          out[base + 3 * quarter + k] = (float) Math.cos(r * omega);
        }
      }
    }
    return out;
  }
}

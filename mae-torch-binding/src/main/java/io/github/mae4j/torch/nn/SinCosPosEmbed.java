package io.github.mae4j.torch.nn;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The fixed 2D sine-cosine position embedding of the reference ({@code util/pos_embed.py}), reproduced exactly.
 *
 * <p>For a {@code g×g} grid, patch {@code k = i·g + j} (row i, column j) gets {@code [emb(j), emb(i)]}: the first
 * half of the channels encodes the column (the reference's {@code grid[0]} is the first output of
 * {@code np.meshgrid(grid_w, grid_h)}, i.e. the w coordinate), the second half the row. Each half is
 * {@code [sin(pos·ω), cos(pos·ω)]} with {@code ω_m = 1 / 10000^(m / (D/4))}, m = 0…D/4−1. With a cls token the
 * table starts with a row of zeros. Computed in double precision (as numpy does) and rounded to float.
 */
public final class SinCosPosEmbed {
  private SinCosPosEmbed() {}

  /**
   * The table as a row-major array.
   *
   * @return {@code [(clsToken ? 1 : 0) + gridH·gridW][embedDim]} flattened
   * @throws IllegalArgumentException when {@code embedDim} is not a positive multiple of 4
   */
  public static float[] table(int embedDim, int gridH, int gridW, boolean clsToken) {
    if (embedDim <= 0 || embedDim % 4 != 0) {
      throw new IllegalArgumentException("embedDim must be a positive multiple of 4, got " + embedDim);
    }
    if (gridH <= 0 || gridW <= 0) {
      throw new IllegalArgumentException("grid must be positive, got " + gridH + "x" + gridW);
    }
    int quarter = embedDim / 4;
    double[] omega = new double[quarter];
    for (int m = 0; m < quarter; m++) {
      omega[m] = 1.0 / Math.pow(10000.0, m / (double) quarter);
    }
    int offset = clsToken ? 1 : 0;
    float[] out = new float[(offset + gridH * gridW) * embedDim];
    for (int i = 0; i < gridH; i++) {
      for (int j = 0; j < gridW; j++) {
        int base = (offset + i * gridW + j) * embedDim;
        for (int m = 0; m < quarter; m++) {
          double aw = j * omega[m];
          double ah = i * omega[m];
          out[base + m] = (float) Math.sin(aw);
          out[base + quarter + m] = (float) Math.cos(aw);
          out[base + 2 * quarter + m] = (float) Math.sin(ah);
          out[base + 3 * quarter + m] = (float) Math.cos(ah);
        }
      }
    }
    return out;
  }

  /** The table with a cls row as a CPU float tensor: → [1, 1 + g², D]. */
  public static Tensor tensor(int embedDim, int gridSize) {
    return tensor(embedDim, gridSize, gridSize);
  }

  /** The table of a gridH × gridW grid with a cls row as a CPU float tensor: → [1, 1 + gridH·gridW, D]. */
  public static Tensor tensor(int embedDim, int gridH, int gridW) {
    float[] values = table(embedDim, gridH, gridW, true);
    try (FloatPointer p = new FloatPointer(values)) {
      return torch.from_blob(p, new long[] {1, 1L + (long) gridH * gridW, embedDim}).clone();
    }
  }
}

package io.github.mae4j.torch.downstream.vit;

import io.github.mae4j.torch.nn.PosEmbedGrid;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Resizes a position-embedding table to another patch grid when fine-tuning at a different image size (the
 * reference {@code interpolate_pos_embed}): leading extra tokens are kept, the grid part is resized bicubically
 * (align_corners false) by {@link PosEmbedGrid}, the MAE model's own resize.
 */
public final class PosEmbedInterpolation {
  private PosEmbedInterpolation() {}

  /**
   * posEmbed [1, extra + g², D] → [1, extra + newGrid², D].
   *
   * @throws IllegalArgumentException when the table's token count is not {@code extra} plus a square
   */
  public static Tensor resize(Tensor posEmbed, int extraTokens, int newGrid) {
    return resize(posEmbed, extraTokens, newGrid, newGrid);
  }

  /**
   * posEmbed [1, extra + g², D] → [1, extra + newHeight·newWidth, D]: a square table resized to a (possibly
   * non-square) grid. A table that already has {@code extra + newHeight·newWidth} tokens is returned as it is.
   *
   * @throws IllegalArgumentException when the token count differs and is not {@code extra} plus a square
   */
  public static Tensor resize(Tensor posEmbed, int extraTokens, int newHeight, int newWidth) {
    if (posEmbed.dim() != 3 || posEmbed.size(0) != 1) {
      throw new IllegalArgumentException(
          "pos_embed must be [1, tokens, D], got " + java.util.Arrays.toString(posEmbed.shape()));
    }
    long tokens = posEmbed.size(1) - extraTokens;
    if (tokens == (long) newHeight * newWidth) {
      return posEmbed;
    }
    int grid = (int) Math.round(Math.sqrt(tokens));
    if (tokens < 1 || (long) grid * grid != tokens) {
      throw new IllegalArgumentException("pos_embed has " + posEmbed.size(1) + " tokens: expected " + extraTokens
          + " extra tokens plus a square grid (a table of a non-square grid is resized only from its own grid: "
          + "load it into a model of " + tokens + " patches)");
    }
    return resize(posEmbed, extraTokens, grid, grid, newHeight, newWidth);
  }

  /**
   * posEmbed [1, extra + gh·gw, D] of a known gh×gw grid → [1, extra + newHeight·newWidth, D], any grid to any
   * other (also between grids of as many patches, 6×6 → 4×9); the table itself when the grids are equal.
   *
   * @throws IllegalArgumentException when the table does not have {@code extra + gh·gw} tokens
   */
  public static Tensor resize(Tensor posEmbed, int extraTokens, int gridHeight, int gridWidth, int newHeight,
      int newWidth) {
    long tokens = (long) gridHeight * gridWidth;
    if (posEmbed.dim() != 3 || posEmbed.size(0) != 1 || posEmbed.size(1) != extraTokens + tokens) {
      throw new IllegalArgumentException("pos_embed must be [1, " + (extraTokens + tokens) + ", D] for "
          + extraTokens + " extra tokens and a " + gridHeight + "×" + gridWidth + " grid, got "
          + java.util.Arrays.toString(posEmbed.shape()));
    }
    if (gridHeight == newHeight && gridWidth == newWidth) {
      return posEmbed;
    }
    Tensor extra = posEmbed.narrow(1, 0, extraTokens);
    Tensor flat = PosEmbedGrid.resize(posEmbed.narrow(1, extraTokens, tokens), gridHeight, gridWidth, newHeight,
        newWidth);
    return torch.cat(new org.bytedeco.pytorch.TensorVector(extra, flat), 1);
  }
}

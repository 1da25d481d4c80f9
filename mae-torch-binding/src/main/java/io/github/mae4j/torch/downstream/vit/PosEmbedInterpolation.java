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
    Tensor extra = posEmbed.narrow(1, 0, extraTokens);
    Tensor flat = PosEmbedGrid.resize(posEmbed.narrow(1, extraTokens, tokens), grid, newHeight, newWidth);
    return torch.cat(new org.bytedeco.pytorch.TensorVector(extra, flat), 1);
  }
}

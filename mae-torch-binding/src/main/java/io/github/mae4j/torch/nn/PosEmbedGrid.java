package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Resizing the patch rows of a position-embedding table to another patch grid, as the reference's
 * {@code interpolate_pos_embed} does: the g×g rows are treated as a D-channel image and resized bicubically
 * (align_corners=false). Used for features at another image size and for fine-tuning at another resolution.
 */
public final class PosEmbedGrid {
  private PosEmbedGrid() {}

  /** patchRows [1, g², D] → [1, h·w, D]; the input itself when h = w = g. */
  public static Tensor resize(Tensor patchRows, int g, long h, long w) {
    return resize(patchRows, g, g, h, w);
  }

  /** patchRows [1, gh·gw, D] → [1, h·w, D] (bicubic, align_corners=false); the input itself when unchanged. */
  public static Tensor resize(Tensor patchRows, long gh, long gw, long h, long w) {
    if (h == gh && w == gw) {
      return patchRows;
    }
    long d = patchRows.size(2);
    Tensor grid = patchRows.reshape(1, gh, gw, d).permute(0, 3, 1, 2).contiguous();
    Tensor resized = torch.upsample_bicubic2d(grid, new long[] {h, w}, false);
    return resized.permute(0, 2, 3, 1).reshape(1, h * w, d);
  }
}

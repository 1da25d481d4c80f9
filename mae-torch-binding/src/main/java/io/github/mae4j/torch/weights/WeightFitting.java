package io.github.mae4j.torch.weights;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.nn.PosEmbedGrid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * Official-named tensors fitted to a model of another image size or channel count, before they are loaded:
 *
 * <ul>
 *   <li>position embeddings ({@code pos_embed}, {@code decoder_pos_embed}) without a cls slot (timm's
 *       {@code no_embed_class}) get a zero cls row, which adds nothing to the cls token, as there;
 *   <li>position embeddings of another grid are resized bicubically (align_corners=false), the patch rows as a
 *       D-channel image, as the official {@code interpolate_pos_embed} (timm's {@code resample_abs_pos_embed} does
 *       the same, with antialiasing when it shrinks): from any gh×gw grid to any h×w one when the file says its
 *       grid (an HF {@code config.json}'s {@code image_size [H, W]}; {@link #fit(Map, MaeConfig, ChannelAdaptation,
 *       MaeConfig)}), from a square grid otherwise (its side is the square root of the row count);
 *   <li>another channel count is adapted by an explicit {@link ChannelAdaptation}, or refused by name.
 * </ul>
 *
 * @param tensors the fitted tensors (the input's handles where nothing changed, new tensors otherwise)
 * @param notes one line per change, for the log
 */
public record WeightFitting(Map<String, Tensor> tensors, List<String> notes) {
  public WeightFitting {
    notes = List.copyOf(notes);
  }

  /**
   * Fits {@code official} to {@code model}.
   *
   * @param adaptation how to adapt another channel count, or null to refuse it
   * @throws IllegalArgumentException when the channel count differs and no adaptation is given
   */
  public static WeightFitting fit(Map<String, Tensor> official, MaeConfig model,
      @Nullable ChannelAdaptation adaptation) {
    return fit(official, model, adaptation, null);
  }

  /**
   * As {@link #fit(Map, MaeConfig, ChannelAdaptation)} for tensors written for the model {@code source} (its patch
   * grid, square or not, is the one the position embeddings are resized from).
   *
   * @param source the model the file was written for, or null when unknown (a square grid is then inferred)
   * @throws IllegalArgumentException when the channel count differs and no adaptation is given
   */
  public static WeightFitting fit(Map<String, Tensor> official, MaeConfig model,
      @Nullable ChannelAdaptation adaptation, @Nullable MaeConfig source) {
    Map<String, Tensor> out = new LinkedHashMap<>(official);
    List<String> notes = new ArrayList<>();
    long[] from = source == null ? null : new long[] {source.getGridHeight(), source.getGridWidth()};
    // a full MAE's tables always have a cls slot: 1 + 35 rows are a 7×5 grid's, never a 6×6 grid without one
    boolean mae = official.containsKey("mask_token") || official.containsKey("decoder_embed.weight");
    for (String name : List.of("pos_embed", "decoder_pos_embed")) {
      Tensor t = out.get(name);
      if (t != null && t.dim() == 3 && t.size(0) == 1) {
        out.put(name, positions(name, t, from, mae, model.getGridHeight(), model.getGridWidth(), notes));
      }
    }
    int c = model.getInChannels();
    Tensor proj = out.get("patch_embed.proj.weight");
    if (proj != null && proj.dim() == 4 && proj.size(1) != c) {
      long old = proj.size(1);
      if (adaptation == null) {
        throw new IllegalArgumentException("patch_embed.proj.weight has " + old + " input channel(s), the model "
            + c + ": adapt them explicitly (ChannelAdaptation MEAN or REPEAT, --adapt-channels mean|repeat)");
      }
      out.put("patch_embed.proj.weight", adaptation.adaptInput(proj, c));
      notes.add("patch_embed.proj.weight: " + old + " → " + c + " channels (" + adaptation + ")");
      long pixels = (long) model.getPatchSize() * model.getPatchSize();
      for (String name : List.of("decoder_pred.weight", "decoder_pred.bias")) {
        Tensor t = out.get(name);
        if (t != null && t.size(0) == pixels * old) {
          out.put(name, adaptation.adaptOutput(t, pixels, c));
          notes.add(name + ": " + old + " → " + c + " channels (" + adaptation + ")");
        }
      }
    }
    return new WeightFitting(out, notes);
  }

  /** As {@link #positions(String, Tensor, long[], long, long, List)} with the source grid inferred (square). */
  static Tensor positions(String name, Tensor t, long h, long w, List<String> notes) {
    return positions(name, t, null, false, h, w, notes);
  }

  /** As {@link #positions(String, Tensor, long[], boolean, long, long, List)} for a table that may lack a cls slot. */
  static Tensor positions(String name, Tensor t, long @Nullable [] from, long h, long w, List<String> notes) {
    return positions(name, t, from, false, h, w, notes);
  }

  /**
   * t [1, R, D] → [1, 1 + h·w, D]: a cls slot added when missing, the patch rows resized from the grid
   * {@code from} = {gh, gw} (when R is gh·gw or 1 + gh·gw), else from a square grid, when the grid differs.
   * With {@code clsSlot} the table is known to hold a cls row: a non-square rest is left as it is (the load then
   * names the shape mismatch) rather than read as a square grid without one.
   */
  static Tensor positions(String name, Tensor t, long @Nullable [] from, boolean clsSlot, long h, long w,
      List<String> notes) {
    long rows = t.size(1);
    boolean fromFits = from != null && (rows == 1 + from[0] * from[1] || rows == from[0] * from[1]);
    if (rows == 1 + h * w && (!fromFits || (from[0] == h && from[1] == w))) {
      return t; // unless a known grid differs with as many patches (6×6 → 4×9): those rows must be resized
    }
    long gh;
    long gw;
    boolean cls;
    if (fromFits) {
      gh = from[0];
      gw = from[1];
      cls = rows == 1 + gh * gw;
    } else {
      long withCls = isqrt(rows - 1);
      long without = isqrt(rows);
      cls = withCls * withCls == rows - 1;
      if (!cls && (clsSlot || without * without != rows)) {
        return t; // not a square grid and none given: the shape mismatch is reported when loading
      }
      gh = cls ? withCls : without;
      gw = gh;
    }
    Tensor clsRow = cls ? t.narrow(1, 0, 1) : torch.zeros_like(t.narrow(1, 0, 1));
    Tensor patches = cls ? t.narrow(1, 1, rows - 1) : t;
    if (!cls) {
      notes.add(name + ": zero cls slot added (the file has none)");
    }
    if (gh != h || gw != w) {
      patches = PosEmbedGrid.resize(patches, gh, gw, h, w);
      notes.add(name + ": " + gh + "×" + gw + " → " + h + "×" + w + " grid (bicubic)");
    }
    return torch.cat(new TensorVector(clsRow, patches), 1);
  }

  private static long isqrt(long v) {
    if (v < 0) {
      return -1;
    }
    long r = (long) Math.sqrt((double) v);
    while (r * r > v) {
      r--;
    }
    while ((r + 1) * (r + 1) <= v) {
      r++;
    }
    return r;
  }
}

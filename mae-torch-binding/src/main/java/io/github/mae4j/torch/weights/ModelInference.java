package io.github.mae4j.torch.weights;

import io.github.mae4j.api.DecoderSpec;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.VitSize;
import java.util.Map;
import java.util.TreeSet;
import org.bytedeco.pytorch.Tensor;

/**
 * The model a set of official-named tensors belongs to, read from their shapes: widths, depths, MLP ratios, patch
 * size, channels and image size (from the position-embedding grid). The number of heads is not in the shapes: it
 * is given, or taken from the standard ViT of that width (ViT-Ti/S/B/L/H; the MAE decoder's 16 heads at 512).
 */
public final class ModelInference {
  private ModelInference() {}

  /**
   * The model of {@code tensors}.
   *
   * @param heads encoder heads, or 0 to take them from the standard ViT of that width (else D/64)
   * @param decoderHeads decoder heads, or 0 for the decoder's head dim 32 (16 heads at 512)
   * @throws IllegalArgumentException when a name it needs is missing or the heads cannot be told
   */
  public static MaeConfig infer(Map<String, Tensor> tensors, int heads, int decoderHeads) {
    return infer(tensors, heads, decoderHeads, 0, 0);
  }

  /**
   * As {@link #infer(Map, int, int)} with the image size given ({@code imageSize} × {@code imageWidth}; 0: inferred
   * from a square position grid). The grid is only inferred when it is square: an MAE checkpoint (one with a
   * decoder or {@code mask_token}, whose table always has a cls slot) with a non-square number of patch rows, or a
   * table that is no square with or without a cls slot, is refused, asking for the size, rather than read as some
   * other grid.
   *
   * @throws IllegalArgumentException when the size is not given and the grid is not square
   */
  public static MaeConfig infer(Map<String, Tensor> tensors, int heads, int decoderHeads, int imageSize,
      int imageWidth) {
    Tensor proj = require(tensors, "patch_embed.proj.weight");
    int d = (int) proj.size(0);
    int channels = (int) proj.size(1);
    int p = (int) proj.size(2);
    int depth = count(tensors, "blocks.");
    double mlp = (double) require(tensors, "blocks.0.mlp.fc1.weight").size(0) / d;
    Tensor pos = require(tensors, "pos_embed");
    long rows = pos.size(1);
    int height = imageSize;
    int width = imageWidth > 0 ? imageWidth : imageSize;
    if (imageSize <= 0) {
      boolean mae = tensors.containsKey("mask_token") || tensors.containsKey("decoder_embed.weight");
      long g = Math.round(Math.sqrt(rows - 1));
      if (g * g != rows - 1 && !mae) {
        g = Math.round(Math.sqrt(rows));
      }
      if (g * g != rows - 1 && (mae || g * g != rows)) {
        throw new IllegalArgumentException("pos_embed has " + rows + " rows: " + (mae ? "1 cls + " + (rows - 1)
            + " patches, " : "") + "not a square grid, and the file does not say its image size: give it "
            + "(mae convert --image-size H --image-width W; WeightConversion.Options)");
      }
      height = (int) (g * p);
      width = height;
    }
    int h = height;
    int encHeads = heads > 0 ? heads : standardHeads(d);
    MaeConfig.Builder b = MaeConfig.builder().imageSize(h).patchSize(p).inChannels(channels)
        .encoder(e -> e.embedDim(d).depth(depth).numHeads(encHeads).mlpRatio(mlp));
    Tensor decEmbed = tensors.get("decoder_embed.weight");
    if (decEmbed != null) {
      int dd = (int) decEmbed.size(0);
      int decDepth = count(tensors, "decoder_blocks.");
      double decMlp = decDepth == 0 ? 4.0
          : (double) require(tensors, "decoder_blocks.0.mlp.fc1.weight").size(0) / dd;
      int dh = decoderHeads > 0 ? decoderHeads : decoderHeads(dd);
      b.decoder(DecoderSpec.builder().embedDim(dd).depth(decDepth).numHeads(dh).mlpRatio(decMlp).build());
    }
    if (width != h) {
      b.imageWidth(width);
    }
    return b.build();
  }

  private static int standardHeads(int d) {
    for (VitSize s : VitSize.values()) {
      if (s.getEmbedDim() == d) {
        return s.getNumHeads();
      }
    }
    if (d % 64 == 0) {
      return d / 64;
    }
    throw new IllegalArgumentException("the number of heads of a " + d + "-wide encoder is not in its weights and"
        + " no standard ViT has that width: give it (--heads N)");
  }

  private static int decoderHeads(int dd) {
    if (dd % 32 == 0) {
      return dd / 32;
    }
    throw new IllegalArgumentException("the number of heads of a " + dd + "-wide decoder is not in its weights: "
        + "give it (--decoder-heads N)");
  }

  private static int count(Map<String, Tensor> tensors, String prefix) {
    TreeSet<Integer> ids = new TreeSet<>();
    for (String k : tensors.keySet()) {
      if (k.startsWith(prefix)) {
        String rest = k.substring(prefix.length());
        int dot = rest.indexOf('.');
        if (dot > 0 && rest.substring(0, dot).chars().allMatch(Character::isDigit)) {
          ids.add(Integer.parseInt(rest.substring(0, dot)));
        }
      }
    }
    return ids.size();
  }

  private static Tensor require(Map<String, Tensor> tensors, String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("cannot tell the model: the weights have no " + name);
    }
    return t;
  }
}

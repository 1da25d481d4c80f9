package io.github.mae4j.torch.weights;

/**
 * The parameter naming of a checkpoint. mae4j's own names are the official ones, so {@link #OFFICIAL} needs no
 * table; {@link #TIMM} shares them for the encoder (a timm {@code vit_*} has no decoder, may have a head and a
 * position embedding without a cls slot); {@link #HF} renames everything and splits {@code qkv} in three.
 */
public enum WeightLayout {
  /** facebookresearch/mae {@code models_mae.py}: {@code patch_embed.proj}, {@code blocks.N.attn.qkv}, {@code decoder_*}. */
  OFFICIAL,
  /** Hugging Face {@code ViTMAEForPreTraining} / {@code ViTMAEModel}: {@code vit.encoder.layer.N.attention.attention.query}. */
  HF,
  /** timm {@code VisionTransformer}: the official encoder names, no decoder, optionally {@code head.*}. */
  TIMM;

  /**
   * The layout a set of names is written in: {@link #HF} when any name is Hugging Face's ({@code vit.*},
   * {@code embeddings.*}, {@code encoder.layer.*}, {@code decoder.decoder_*}); {@link #OFFICIAL} when the official
   * decoder is there ({@code decoder_*}, {@code mask_token}); otherwise {@link #TIMM} (an encoder in the names that
   * timm and the official encoder-only files share: they load the same way).
   */
  public static WeightLayout detect(Iterable<String> names) {
    boolean decoder = false;
    for (String n : names) {
      if (n.startsWith("vit.") || n.startsWith("embeddings.") || n.startsWith("encoder.layer.")
          || n.startsWith("decoder.decoder_") || n.equals("decoder.mask_token")) {
        return HF;
      }
      decoder |= n.startsWith("decoder_") || n.equals("mask_token");
    }
    return decoder ? OFFICIAL : TIMM;
  }
}

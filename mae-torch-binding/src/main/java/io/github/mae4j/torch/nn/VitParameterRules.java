package io.github.mae4j.torch.nn;

import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * The two per-parameter rules every ViT of this library shares — the MAE in pretraining, the classifier in
 * fine-tuning and linear probing — stated once, by reference parameter name (timm's {@code no_weight_decay()} and
 * the reference's {@code get_layer_id_for_vit}).
 */
public final class VitParameterRules {
  private static final Set<String> NO_DECAY_TOKENS =
      Set.of("cls_token", "pos_embed", "mask_token", "encoder_mask_token");

  private VitParameterRules() {}

  /**
   * Whether a parameter is exempt from weight decay: 1-D (and 0-D) tensors — biases, LayerNorm weights —, names
   * ending in {@code .bias}, and the tokens {@code cls_token}, {@code pos_embed} (learned in the classifier, frozen in
   * the MAE), {@code mask_token} and {@code encoder_mask_token}. See {@link ParameterGroups} for how this differs
   * from the reference pre-training script.
   */
  public static boolean noWeightDecay(String name, Tensor parameter) {
    return parameter.dim() <= 1 || name.endsWith(".bias") || NO_DECAY_TOKENS.contains(name);
  }

  /**
   * The layer of a parameter for layer-wise lr decay of a ViT of {@code depth} blocks: {@code cls_token},
   * {@code pos_embed}, {@code encoder_mask_token} and {@code patch_embed.*} → 0; {@code blocks.i.*} → i + 1;
   * anything else (final norm, {@code fc_norm}, head, the MAE decoder) → depth + 1.
   *
   * @throws IllegalArgumentException when {@code depth} is not positive or a {@code blocks.i} name has no block i
   */
  public static int layerId(String name, int depth) {
    if (depth <= 0) {
      throw new IllegalArgumentException("depth (" + depth + ") must be positive");
    }
    if (name.equals("cls_token") || name.equals("pos_embed") || name.equals("encoder_mask_token")
        || name.startsWith("patch_embed.")) {
      return 0;
    }
    if (name.startsWith("blocks.")) {
      int end = name.indexOf('.', 7);
      String index = end < 0 ? name.substring(7) : name.substring(7, end);
      try {
        int block = Integer.parseInt(index);
        if (block >= 0 && block < depth) {
          return block + 1;
        }
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
      throw new IllegalArgumentException(
          "parameter \"" + name + "\" names block " + index + " but blocks are 0.." + (depth - 1));
    }
    return depth + 1;
  }
}

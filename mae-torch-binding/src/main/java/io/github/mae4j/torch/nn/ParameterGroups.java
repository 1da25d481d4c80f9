package io.github.mae4j.torch.nn;

import java.util.List;

/**
 * The trainable parameters split for the optimizer's weight decay by {@link VitParameterRules#noWeightDecay}, the
 * rule pretraining and fine-tuning share. No decay for 1-D parameters (biases, LayerNorm weights), names ending in
 * {@code .bias}, and the tokens {@code cls_token}, {@code mask_token} ({@code encoder_mask_token} in the ablation).
 * Frozen parameters ({@code pos_embed}, {@code decoder_pos_embed}) are in neither list.
 *
 * <p>Note: the reference pre-training script (timm 0.3 {@code add_weight_decay}) decays the [1, 1, D] tokens, since
 * only 1-D parameters and biases are exempt there; exempting tokens follows timm's {@code no_weight_decay()}
 * convention, as this project's design asks. With weight decay 0.05 and tokens of std 0.02 the difference is tiny.
 *
 * @param decay parameters that take weight decay
 * @param noDecay parameters that do not
 */
public record ParameterGroups(List<NamedParameter> decay, List<NamedParameter> noDecay) {
  public ParameterGroups {
    decay = List.copyOf(decay);
    noDecay = List.copyOf(noDecay);
  }
}

package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * A trainable parameter with its reference name and its layer index for layer-wise learning-rate decay.
 *
 * @param name e.g. {@code blocks.3.attn.qkv.weight}
 * @param tensor the parameter itself (shared with the module, not a copy)
 * @param layerId 0 for patch_embed/cls/pos, i+1 for {@code blocks.i}, {@code numLayers} for everything else
 */
public record NamedParameter(String name, Tensor tensor, int layerId) {}

package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * Encoder features of whole images (no masking, no randomness), after the final LayerNorm.
 *
 * @param cls [N, D]: the cls token
 * @param meanPatch [N, D]: the patch tokens averaged
 * @param tokens [N, 1 + L, D]: every token, cls first
 */
public record Features(Tensor cls, Tensor meanPatch, Tensor tokens) {}

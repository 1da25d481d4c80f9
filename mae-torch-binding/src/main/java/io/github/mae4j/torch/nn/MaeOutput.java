package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * One training forward pass.
 *
 * @param loss scalar: mean squared error over the removed patches
 * @param pred [N, L, p²·C]: the decoder's prediction for every patch (normalized pixels when normPixLoss)
 * @param mask [N, L] float: 0 kept, 1 removed
 * @param idsRestore [N, L] int64: argsort of the shuffle, to put a shuffled sequence back in patch order
 */
public record MaeOutput(Tensor loss, Tensor pred, Tensor mask, Tensor idsRestore) {}

/** Mixup, CutMix, label smoothing and the soft-target cross-entropy. */
@NullMarked
package io.github.mae4j.torch.downstream.mix;

import org.jspecify.annotations.NullMarked;

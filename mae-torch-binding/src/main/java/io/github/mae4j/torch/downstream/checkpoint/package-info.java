/** Checkpoints, metrics and resume of fine-tuning and linear-probing runs. */
@NullMarked
package io.github.mae4j.torch.downstream.checkpoint;

import org.jspecify.annotations.NullMarked;

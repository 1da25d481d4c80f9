/**
 * Pretraining: the {@link io.github.mae4j.torch.train.Trainer} runs a recipe on a dataset and a device with a
 * per-iteration learning-rate schedule, gradient accumulation, optional mixed precision and gradient clipping,
 * atomic checkpoints that resume bit-exactly, JSON-lines metrics, a progress display and a loss-curve plot.
 */
@NullMarked
package io.github.mae4j.torch.train;

import org.jspecify.annotations.NullMarked;

/** Optimizers and schedules of fine-tuning and linear probing: LARS, layer-wise lr decay, warmup + cosine, EMA. */
@NullMarked
package io.github.mae4j.torch.downstream.optim;

import org.jspecify.annotations.NullMarked;

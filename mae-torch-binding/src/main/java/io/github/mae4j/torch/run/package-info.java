/**
 * What every run shares, whatever it trains: run directories' atomic files, metrics lines and the loss plot,
 * progress display, provenance, tensors copied to the heap for checkpoints, optimizer state bytes, and the
 * divergence error. Depends on neither {@code train} (pretraining) nor {@code downstream} (fine-tuning, probing).
 */
@NullMarked
package io.github.mae4j.torch.run;

import org.jspecify.annotations.NullMarked;

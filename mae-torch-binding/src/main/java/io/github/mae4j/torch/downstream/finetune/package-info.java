/** End-to-end and partial fine-tuning loops. */
@NullMarked
package io.github.mae4j.torch.downstream.finetune;

import org.jspecify.annotations.NullMarked;

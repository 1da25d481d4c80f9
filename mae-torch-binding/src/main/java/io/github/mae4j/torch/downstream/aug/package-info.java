/** Image augmentations of fine-tuning that act on normalized tensors: random erasing, RandAugment. */
@NullMarked
package io.github.mae4j.torch.downstream.aug;

import org.jspecify.annotations.NullMarked;

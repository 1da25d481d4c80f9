/** The ViT classifier built from MAE encoder weights: blocks with drop path, pooling, head, position-embedding interpolation. */
@NullMarked
package io.github.mae4j.torch.downstream.vit;

import org.jspecify.annotations.NullMarked;

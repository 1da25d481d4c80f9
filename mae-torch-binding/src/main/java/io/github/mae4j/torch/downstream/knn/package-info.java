/** k-nearest-neighbour evaluation on frozen features. */
@NullMarked
package io.github.mae4j.torch.downstream.knn;

import org.jspecify.annotations.NullMarked;

/** The Fashion-MNIST proof that a pretrained MAE encoder beats a random one downstream. */
@NullMarked
package io.github.mae4j.samples.proof;

import org.jspecify.annotations.NullMarked;

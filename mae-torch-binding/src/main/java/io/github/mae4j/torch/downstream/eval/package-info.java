/** Top-k accuracy. */
@NullMarked
package io.github.mae4j.torch.downstream.eval;

import org.jspecify.annotations.NullMarked;

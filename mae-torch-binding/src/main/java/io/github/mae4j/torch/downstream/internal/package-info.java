/** Tensor conversions used across the downstream packages; not public API. */
@NullMarked
package io.github.mae4j.torch.downstream.internal;

import org.jspecify.annotations.NullMarked;

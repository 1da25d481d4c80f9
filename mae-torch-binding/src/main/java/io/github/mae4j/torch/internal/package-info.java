/** JavaCPP and FFM helpers; not part of the public API. */
@NullMarked
package io.github.mae4j.torch.internal;

import org.jspecify.annotations.NullMarked;

/** Runnable benchmarks of the data pipeline. */
@NullMarked
package io.github.mae4j.torch.data.bench;

import org.jspecify.annotations.NullMarked;

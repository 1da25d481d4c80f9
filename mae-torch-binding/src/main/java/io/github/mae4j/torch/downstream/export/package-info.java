/** Writing encoder features to files other tools read (.npy). */
@NullMarked
package io.github.mae4j.torch.downstream.export;

import org.jspecify.annotations.NullMarked;

/** Benchmarks run by hand (main classes), not tests; their numbers are recorded in docs/benchmarks.md. */
@NullMarked
package io.github.mae4j.torch.bench;

import org.jspecify.annotations.NullMarked;

/** The {@code mae} command line. */
@NullMarked
package io.github.mae4j.samples.cli;

import org.jspecify.annotations.NullMarked;

/** Masked autoencoders on libtorch through the JavaCPP presets. */
@NullMarked
package io.github.mae4j.torch;

import org.jspecify.annotations.NullMarked;

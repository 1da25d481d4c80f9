/** Configuration value types for masked autoencoders: no native dependency. */
@NullMarked
package io.github.mae4j.api;

import org.jspecify.annotations.NullMarked;

/** Java and Kotlin examples of the mae4j API. */
@NullMarked
package io.github.mae4j.samples;

import org.jspecify.annotations.NullMarked;

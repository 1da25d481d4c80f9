/** Builds the documentation site. */
@NullMarked
package io.github.mae4j.site;

import org.jspecify.annotations.NullMarked;

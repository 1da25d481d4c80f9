/** The paper's recipes and small CPU recipes as immutable data, by factory method or by name. */
@NullMarked
package io.github.mae4j.recipes;

import org.jspecify.annotations.NullMarked;

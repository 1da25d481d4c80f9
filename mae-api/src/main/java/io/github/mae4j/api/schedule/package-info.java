/** Learning-rate schedules as pure functions: warmup + half-cycle cosine, and layer-wise decay scales. */
@NullMarked
package io.github.mae4j.api.schedule;

import org.jspecify.annotations.NullMarked;

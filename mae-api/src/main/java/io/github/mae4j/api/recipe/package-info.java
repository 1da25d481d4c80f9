/**
 * The paper's training recipes as immutable data: pretraining, fine-tuning and linear probing, each with its
 * model, optimizer, schedule, batch, augmentation and normalization, and the source its numbers come from.
 * Recipes are data only; trainers elsewhere execute them.
 */
@NullMarked
package io.github.mae4j.api.recipe;

import org.jspecify.annotations.NullMarked;

package io.github.mae4j.torch.run;

import io.github.mae4j.api.recipe.Recipe;
import io.github.mae4j.api.recipe.RecipeBuilder;

/** A recipe run for another number of epochs, its warmup shortened when it would no longer fit. */
public final class RecipeEpochs {
  private RecipeEpochs() {}

  /**
   * {@code recipe} run for {@code epochs} epochs, its warmup cut to {@code epochs − 1} when it would not fit (a
   * recipe's warmup must stay below its epochs). {@code builder} is {@code recipe.toBuilder()}.
   */
  public static <B extends RecipeBuilder<B, R>, R extends Recipe> R withEpochs(R recipe, B builder, int epochs) {
    return builder.epochs(epochs).warmupEpochs(Math.min(recipe.getWarmupEpochs(), Math.max(0, epochs - 1))).build();
  }
}

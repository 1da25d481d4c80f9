package io.github.mae4j.torch.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.recipe.FinetuneRecipe;
import org.junit.jupiter.api.Test;

class RecipeEpochsTest {
  private final FinetuneRecipe recipe = FinetuneRecipe.builder().name("ft").epochs(100).warmupEpochs(5).build();

  @Test
  void withEpochs_longerThanWarmup_keepsTheWarmup() {
    FinetuneRecipe r = RecipeEpochs.withEpochs(recipe, recipe.toBuilder(), 10);
    assertThat(r.getEpochs()).isEqualTo(10);
    assertThat(r.getWarmupEpochs()).isEqualTo(5);
    assertThat(r.getName()).isEqualTo("ft");
  }

  @Test
  void withEpochs_shorterThanWarmup_cutsTheWarmupBelowTheEpochs() {
    assertThat(RecipeEpochs.withEpochs(recipe, recipe.toBuilder(), 3).getWarmupEpochs()).isEqualTo(2);
    assertThat(RecipeEpochs.withEpochs(recipe, recipe.toBuilder(), 1).getWarmupEpochs()).isZero();
  }
}

package io.github.mae4j.torch.downstream;

import io.github.mae4j.api.recipe.FinetuneRecipe;

/** The recipes of {@link DownstreamRankMain}, for tests in other packages. */
public final class DownstreamRankMainAccess {
  private DownstreamRankMainAccess() {}

  public static FinetuneRecipe finetuneRecipe() {
    return DownstreamRankMain.finetuneRecipe();
  }
}

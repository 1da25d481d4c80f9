package io.github.mae4j.api.recipe;

import io.github.mae4j.api.MaeConfig;

/**
 * The setters every recipe builder has; {@link PretrainRecipe.Builder}, {@link FinetuneRecipe.Builder} and
 * {@link LinearProbeRecipe.Builder} add their own. Unset values take the recipe's defaults.
 *
 * @param <B> the concrete builder
 * @param <R> the recipe it builds
 */
public abstract class RecipeBuilder<B extends RecipeBuilder<B, R>, R extends Recipe> {
  RecipeBuilder() {}

  public abstract B name(String value);

  public abstract B source(String value);

  public abstract B dataset(String value);

  public abstract B model(MaeConfig value);

  public abstract B epochs(int value);

  public abstract B warmupEpochs(int value);

  public abstract B baseLearningRate(double value);

  public abstract B minLearningRate(double value);

  public abstract B effectiveBatchSize(int value);

  public abstract B batchSizePerStep(int value);

  public abstract B devices(int value);

  public abstract B imagesPerEpoch(int value);

  public abstract B seed(long value);

  public abstract B optimizer(OptimizerSpec value);

  public abstract B augmentation(Augmentation value);

  public abstract B normalization(Normalization value);

  /**
   * The recipe.
   *
   * @throws IllegalArgumentException naming the field, the value and the rule when it cannot work
   */
  public abstract R build();
}

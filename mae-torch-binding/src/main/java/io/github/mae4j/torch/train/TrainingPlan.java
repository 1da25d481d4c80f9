package io.github.mae4j.torch.train;

import io.github.mae4j.api.recipe.OptimizerSpec;
import io.github.mae4j.api.recipe.OptimizerType;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.api.schedule.LrSchedule;
import java.util.OptionalDouble;

/**
 * The numbers a pretraining run follows, taken from a recipe: epochs and warmup, the peak learning rate
 * (blr × effective batch / 256) and the floor, AdamW's betas and weight decay, the accumulation steps, optional
 * gradient clipping, and the seed. The learning rate is set on every parameter group each optimizer step from the
 * fractional epoch, as in MAE: linear warmup, then a half-cycle cosine.
 *
 * @param name the recipe's name (used for the run directory and plot titles)
 * @param epochs epochs to run, positive
 * @param warmupEpochs warmup epochs, in [0, epochs)
 * @param lr peak learning rate (already scaled by the effective batch)
 * @param minLr the floor of the cosine
 * @param weightDecay AdamW weight decay for the decay group (the other group gets 0)
 * @param beta1 AdamW β1
 * @param beta2 AdamW β2
 * @param eps AdamW ε
 * @param accumulationSteps batches whose gradients are summed (each loss scaled by 1/steps) per optimizer update
 * @param clipGradNorm maximum global gradient norm, when clipping
 * @param seed seed of the masking generator (and of the data order, by the caller)
 * @param recipeJson the recipe as JSON (stored in checkpoints)
 */
public record TrainingPlan(
    String name,
    int epochs,
    double warmupEpochs,
    double lr,
    double minLr,
    double weightDecay,
    double beta1,
    double beta2,
    double eps,
    int accumulationSteps,
    OptionalDouble clipGradNorm,
    long seed,
    String recipeJson) {

  public TrainingPlan {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs (" + epochs + ") must be >= 1");
    }
    if (!(warmupEpochs >= 0 && warmupEpochs < epochs)) {
      throw new IllegalArgumentException("warmupEpochs (" + warmupEpochs + ") must be in [0, epochs (" + epochs + "))");
    }
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("lr (" + lr + ") must be a finite number >= 0");
    }
    if (!(minLr >= 0 && minLr <= lr)) {
      throw new IllegalArgumentException("minLr (" + minLr + ") must be in [0, lr (" + lr + ")]");
    }
    if (accumulationSteps < 1) {
      throw new IllegalArgumentException("accumulationSteps (" + accumulationSteps + ") must be >= 1");
    }
    if (clipGradNorm.isPresent() && !(clipGradNorm.getAsDouble() > 0)) {
      throw new IllegalArgumentException("clipGradNorm (" + clipGradNorm.getAsDouble() + ") must be > 0");
    }
  }

  /**
   * The learning rate at fractional epoch {@code epoch}: {@code lr · e / w} during warmup, then
   * {@code minLr + (lr − minLr) · ½ · (1 + cos(π · (e − w) / (E − w)))}.
   */
  public double lrAt(double epoch) {
    return schedule().at(epoch);
  }

  /** The schedule as the recipe defines it. */
  public LrSchedule schedule() {
    return new LrSchedule(lr, minLr, warmupEpochs, epochs);
  }

  /**
   * The plan of a pretraining recipe: peak lr {@code blr × effective batch / 256}, accumulation
   * {@code effective batch / (batch per step × devices)}, AdamW betas, eps and weight decay from its optimizer.
   */
  public static TrainingPlan of(PretrainRecipe r) {
    OptimizerSpec o = r.getOptimizer();
    if (o.getType() != OptimizerType.ADAMW) {
      throw new IllegalArgumentException("pretraining runs AdamW, the recipe asks for " + o.getType());
    }
    return new TrainingPlan(r.getName(), r.getEpochs(), r.getWarmupEpochs(), r.getLearningRate(),
        r.getMinLearningRate(), o.getWeightDecay(), o.getBeta1(), o.getBeta2(), o.getEps(),
        r.getAccumulationSteps(), OptionalDouble.empty(), r.getSeed(), RecipeIo.toJson(r));
  }

  /** A copy with another number of epochs. */
  public TrainingPlan withEpochs(int value) {
    return new TrainingPlan(name, value, Math.min(warmupEpochs, Math.max(0, value - 1)), lr, minLr, weightDecay,
        beta1, beta2, eps, accumulationSteps, clipGradNorm, seed, recipeJson);
  }

  /** A copy with another peak learning rate (and a floor no higher than it). */
  public TrainingPlan withLr(double value) {
    return new TrainingPlan(name, epochs, warmupEpochs, value, Math.min(minLr, value), weightDecay, beta1, beta2,
        eps, accumulationSteps, clipGradNorm, seed, recipeJson);
  }

  /** A copy with another seed. */
  public TrainingPlan withSeed(long value) {
    return new TrainingPlan(name, epochs, warmupEpochs, lr, minLr, weightDecay, beta1, beta2, eps,
        accumulationSteps, clipGradNorm, value, recipeJson);
  }

  /** A copy with other accumulation steps. */
  public TrainingPlan withAccumulationSteps(int value) {
    return new TrainingPlan(name, epochs, warmupEpochs, lr, minLr, weightDecay, beta1, beta2, eps, value,
        clipGradNorm, seed, recipeJson);
  }

  /** A copy with gradient clipping at {@code maxNorm}. */
  public TrainingPlan withClipGradNorm(double maxNorm) {
    return new TrainingPlan(name, epochs, warmupEpochs, lr, minLr, weightDecay, beta1, beta2, eps,
        accumulationSteps, OptionalDouble.of(maxNorm), seed, recipeJson);
  }
}

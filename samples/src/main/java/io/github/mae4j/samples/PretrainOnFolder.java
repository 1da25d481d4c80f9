package io.github.mae4j.samples;

import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.train.PretrainRun;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.train.TrainerSettings;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Pretraining an MAE on a folder of your own images from Java: what {@code mae pretrain RECIPE --data DIR} does.
 *
 * <p>{@code PretrainOnFolder IMAGE_DIR RUN_DIR [EPOCHS]}
 */
public final class PretrainOnFolder {
  private PretrainOnFolder() {}

  /** The small 64-px recipe, shortened to {@code epochs} with one warmup epoch. */
  public static PretrainRecipe recipe(int epochs) {
    // tag::recipe[]
    PretrainRecipe recipe = Recipes.tiny64Pretrain().toBuilder() // 64 px RGB, 8-px patches: trains on a CPU
        .epochs(epochs)
        .warmupEpochs(1)
        .build();
    // end::recipe[]
    return recipe;
  }

  /** Trains {@code recipe} on the images under {@code images}, writing the run to {@code runDir}. */
  public static PretrainRun.Result pretrain(PretrainRecipe recipe, Path images, Path runDir) throws IOException {
    // tag::pretrain[]
    TrainerSettings settings = TrainerSettings.defaults(runDir) // checkpoints, metrics.jsonl, loss.png go here
        .withData(images.toString());                           // a folder of images, searched recursively
    PretrainRun.Result result = PretrainRun.start(recipe, settings, 2, ProgressReporter.silent());
    System.out.println(result.summary().describe());
    // end::pretrain[]
    return result;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: PretrainOnFolder IMAGE_DIR RUN_DIR [EPOCHS]");
      System.exit(2);
    }
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    pretrain(recipe(epochs), Path.of(args[0]), Path.of(args[1]));
  }
}

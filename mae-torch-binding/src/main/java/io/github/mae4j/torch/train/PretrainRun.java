package io.github.mae4j.torch.train;

import io.github.mae4j.api.Json;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.MaeDevice;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A whole pretraining run of a recipe, as {@code mae pretrain} and {@code mae resume} do it: the model, the data,
 * the trainer, then a reconstruction grid of held-out images next to the checkpoints, metrics and loss curve.
 */
public final class PretrainRun {
  /** Held-out images shown in {@code reconstruction.png}. */
  public static final int GRID_IMAGES = 8;

  /**
   * What a run left behind.
   *
   * @param summary the trainer's summary
   * @param runDir the run directory
   * @param written every file written, reconstruction grid included
   */
  public record Result(RunSummary summary, Path runDir, List<Path> written) {}

  private PretrainRun() {}

  /** Trains {@code recipe} from scratch with {@code settings} (data source, device, output directory, ...). */
  public static Result start(PretrainRecipe recipe, TrainerSettings settings, int workers, ProgressReporter progress)
      throws IOException {
    java.nio.file.Files.createDirectories(settings.outDir());
    RecipeIo.write(recipe, settings.outDir().resolve("recipe.json"));
    return run(recipe, settings, workers, progress, null);
  }

  /**
   * Continues the run of a checkpoint (a file, or a run directory: its newest checkpoint) on the data and with
   * the settings it recorded, changed by {@code overrides} (device, max iterations...).
   */
  public static Result resume(Path checkpointOrRunDir, UnaryOperator<TrainerSettings> overrides, int workers,
      ProgressReporter progress) throws IOException {
    Path file = CheckpointStore.resolve(checkpointOrRunDir);
    TrainingCheckpoint c = CheckpointFile.read(file);
    PretrainRecipe recipe = RecipeIo.fromJson(c.recipeJson(), PretrainRecipe.class);
    TrainerSettings recorded = Json.read(c.settingsJson(), TrainerSettings.class)
        .withOutDir(file.toAbsolutePath().getParent()).withMaxIterations(0);
    progress.message("resuming " + recipe.getName() + " from " + file + " at epoch " + c.epoch() + ", iteration "
        + c.iteration());
    return run(recipe, overrides.apply(recorded), workers, progress, c);
  }

  private static Result run(PretrainRecipe recipe, TrainerSettings settings, int workers,
      ProgressReporter progress, @Nullable TrainingCheckpoint from) throws IOException {
    TrainingPlan plan = TrainingPlan.of(recipe);
    MaeDevice device = MaeDevice.parse(settings.device());
    List<Path> written = new ArrayList<>();
    RunSummary summary;
    try (LoaderData data = PretrainData.open(recipe, settings.data(), plan.seed(), workers);
        MaskedAutoencoder mae = MaskedAutoencoder.create(recipe.getModel(), device, plan.seed());
        PretrainModel model = MaeModels.pretrainable(mae);
        Trainer trainer = new Trainer(plan, model, data, settings, progress)) {
      if (from != null) {
        trainer.resume(from);
      }
      summary = trainer.run();
      written.addAll(summary.written());
      if (summary.completed()) {
        Path png = settings.outDir().resolve("reconstruction.png");
        try (PointerScope ignored = new PointerScope()) {
          mae.train(false);
          Tensor images = HeldOutImages.load(recipe, settings.data(), GRID_IMAGES, plan.seed());
          int size = recipe.getModel().getImageSize();
          ReconstructionGrid.write(mae, images, recipe.getNormalization().getMean(),
              recipe.getNormalization().getStd(), plan.seed(), ReconstructionGrid.scaleFor(size, 96), png);
        }
        written.add(png);
      }
    }
    return new Result(summary, settings.outDir(), written);
  }
}

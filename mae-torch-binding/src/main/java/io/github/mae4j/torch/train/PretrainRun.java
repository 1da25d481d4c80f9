package io.github.mae4j.torch.train;

import io.github.mae4j.api.Json;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.MaeDevice;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.GradientReducer;
import io.github.mae4j.torch.downstream.knn.KnnMonitor;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.Reconstruction;
import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.run.ProgressReporter;
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

  private static final int KNN_BATCH = 256;

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
    return start(recipe, settings, workers, progress, null);
  }

  /** The same, measuring k-NN accuracy between epochs when {@code knn} is given. */
  public static Result start(PretrainRecipe recipe, TrainerSettings settings, int workers, ProgressReporter progress,
      @Nullable KnnMonitoring knn) throws IOException {
    return start(recipe, settings, workers, progress, knn, null);
  }

  /**
   * The same as one rank of {@code dist} when given (see {@link Trainer#distributed}): the recipe's batch per step
   * is the global batch, each rank takes batch / world size images of its shard per step; rank 0 alone writes
   * (recipe, checkpoints, metrics, plots, weights) and shows progress and k-NN accuracy (each rank encodes its share
   * of the k-NN bank and queries, the features are gathered across the ranks: the accuracy is one process's).
   */
  public static Result start(PretrainRecipe recipe, TrainerSettings settings, int workers, ProgressReporter progress,
      @Nullable KnnMonitoring knn, @Nullable DistributedContext dist) throws IOException {
    boolean writes = dist == null || dist.isMain();
    if (writes) {
      java.nio.file.Files.createDirectories(settings.outDir());
      RecipeIo.write(recipe, settings.outDir().resolve("recipe.json"));
      if (knn != null) {
        knn.record(settings.outDir());
      }
    }
    return run(recipe, settings, workers, progress, null, knn, dist);
  }

  /**
   * Continues the run of a checkpoint (a file, or a run directory: its newest checkpoint) on the data and with
   * the settings it recorded, changed by {@code overrides} (device, max iterations...).
   */
  public static Result resume(Path checkpointOrRunDir, UnaryOperator<TrainerSettings> overrides, int workers,
      ProgressReporter progress) throws IOException {
    return resume(checkpointOrRunDir, overrides, workers, progress, null);
  }

  /**
   * The same, with k-NN monitoring between epochs: {@code knn} when given (it replaces and is recorded as the run's
   * monitoring), otherwise the monitoring the run recorded when it started ({@link KnnMonitoring#recorded}), if any.
   */
  public static Result resume(Path checkpointOrRunDir, UnaryOperator<TrainerSettings> overrides, int workers,
      ProgressReporter progress, @Nullable KnnMonitoring knn) throws IOException {
    return resume(checkpointOrRunDir, overrides, workers, progress, knn, null);
  }

  /**
   * The same as one rank of {@code dist} when given: every rank reads the checkpoint (on a file system they
   * share), rank 0 alone writes. A checkpoint written by N processes resumes on any M that divides the batch.
   */
  public static Result resume(Path checkpointOrRunDir, UnaryOperator<TrainerSettings> overrides, int workers,
      ProgressReporter progress, @Nullable KnnMonitoring knn, @Nullable DistributedContext dist) throws IOException {
    Path file = CheckpointStore.resolve(checkpointOrRunDir);
    Path runDir = file.toAbsolutePath().getParent();
    if (knn != null && (dist == null || dist.isMain())) {
      knn.record(runDir);
    } else {
      knn = KnnMonitoring.recorded(runDir).orElse(null);
    }
    TrainingCheckpoint c = CheckpointFile.read(file);
    PretrainRecipe recipe = RecipeIo.fromJson(c.recipeJson(), PretrainRecipe.class);
    TrainerSettings recorded = Json.read(c.settingsJson(), TrainerSettings.class)
        .withOutDir(file.toAbsolutePath().getParent()).withMaxIterations(0);
    progress.message("resuming " + recipe.getName() + " from " + file + " at epoch " + c.epoch() + ", iteration "
        + c.iteration());
    return run(recipe, overrides.apply(recorded), workers, progress, c, knn, dist);
  }

  private static Result run(PretrainRecipe recipe, TrainerSettings asked, int workers,
      ProgressReporter progress, @Nullable TrainingCheckpoint from, @Nullable KnnMonitoring knn,
      @Nullable DistributedContext dist) throws IOException {
    TrainingPlan plan = TrainingPlan.of(recipe);
    // one GPU per process in a job: cuda becomes cuda:LOCAL_RANK
    TrainerSettings settings = dist == null ? asked : asked.withDevice(dist.deviceFor(asked.device()));
    MaeDevice device = MaeDevice.parse(settings.device());
    List<Path> written = new ArrayList<>();
    RunSummary summary;
    boolean writes = dist == null || dist.isMain();
    int rank = dist == null ? 0 : dist.rank();
    int world = dist == null ? 1 : dist.worldSize();
    java.util.function.Consumer<String> skipLog = writes ? progress::message : System.err::println;
    if (!writes) {
      // every rank takes its share of the k-NN monitoring (only rank 0 shows and records the accuracy)
      progress = ProgressReporter.silent();
    }
    try (ClosableTrainingData data = PretrainData.open(recipe, settings.data(), plan.seed(), workers, rank, world,
            skipLog);
        MaskedAutoencoder mae = MaskedAutoencoder.create(recipe.getModel(), device, plan.seed());
        PretrainModel model = MaeModels.pretrainable(mae);
        Trainer trainer = new Trainer(plan, model, data, settings, progress)) {
      if (from != null) {
        trainer.resume(from);
      }
      if (dist != null) {
        GradientReducer.Mode mode = dist.environment().gradSync();
        trainer.distributed(dist, mode);
        if (writes && dist.isDistributed()) {
          progress.message("data parallel over " + world + " processes (" + dist.backendName()
              + "), gradients averaged by "
              + (mode == GradientReducer.Mode.REDUCER ? "c10d's Reducer" : "bucketed allreduce after backward")
              + ", " + data.batchSize() + " images per process per step");
        }
      }
      if (knn != null) {
        KnnMonitor monitor = knn.open(recipe, settings.data(), plan.seed());
        progress.message("k-NN monitoring every " + knn.everyEpochs() + " epoch(s): " + monitor.bankSize()
            + " labelled bank images, " + monitor.querySize() + " queries, k " + knn.k() + ", T " + knn.temperature());
        DistributedContext ranks = dist == null ? DistributedContext.single() : dist;
        // in a job each rank encodes its share of the bank and queries and the features are gathered, so every rank
        // gets one process's accuracy (rank 0 records it) and none waits in a collective while another computes
        trainer.monitorKnn(knn, () -> monitor.evaluate(mae, KNN_BATCH, ranks).top1());
      }
      summary = trainer.run();
      if (dist != null && dist.isDistributed() && writes) {
        GradientReducer r = trainer.gradientReducer().orElseThrow();
        long params = 0;
        for (Tensor p : model.decayParameters()) {
          params += p.numel();
        }
        for (Tensor p : model.noDecayParameters()) {
          params += p.numel();
        }
        progress.message(String.format(java.util.Locale.ROOT, "gradients: %,d parameters (%.2f MB fp32) averaged "
            + "over %d processes per step%s", params, params * 4 / 1e6, world,
            r.mode() == GradientReducer.Mode.FLAT
                ? String.format(java.util.Locale.ROOT, ", flat allreduce %.1f ms per step (mean, copies included)",
                    1e3 * r.meanSyncSeconds())
                : " by c10d's Reducer (overlapped with backward)"));
      }
      written.addAll(summary.written());
      if (summary.completed() && writes) {
        // the weights in PyTorch's own format, official MAE layout: torch.load(f)['model'] loads strictly into
        // the reference model; the encoder-only file is what fine-tuning starts from
        Path pth = settings.outDir().resolve("mae-final.pth");
        Path encoderPth = settings.outDir().resolve("mae-final-encoder.pth");
        io.github.mae4j.torch.nn.MaeCheckpoint.save(mae, pth);
        io.github.mae4j.torch.nn.MaeCheckpoint.saveEncoder(mae, encoderPth);
        written.add(pth);
        written.add(encoderPth);
        Path png = settings.outDir().resolve("reconstruction.png");
        try (PointerScope ignored = new PointerScope()) {
          mae.train(false);
          Tensor images = HeldOutImages.load(recipe, settings.data(), GRID_IMAGES, plan.seed(),
              progress::message);
          int size = recipe.getModel().getImageSize();
          ReconstructionGrid.write(mae, images, recipe.getNormalization().getMean(),
              recipe.getNormalization().getStd(), plan.seed(), ReconstructionGrid.scaleFor(size, 96),
              Reconstruction.PatchStatistics.TRUE_ORACLE, png);
        }
        written.add(png);
      }
    }
    return new Result(summary, settings.outDir(), written);
  }
}

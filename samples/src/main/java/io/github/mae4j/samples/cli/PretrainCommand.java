package io.github.mae4j.samples.cli;

import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.train.KnnMonitoring;
import io.github.mae4j.torch.train.PretrainRun;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.run.RecipeEpochs;
import io.github.mae4j.torch.train.TrainerSettings;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mae pretrain}: trains a masked autoencoder from a recipe. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
    description = {"Pretrain a masked autoencoder from a recipe.",
        "Writes checkpoints, metrics.jsonl, loss.png and reconstruction.png into the run directory.",
        "Example: mae pretrain quickstart; mae pretrain fashion-mnist-pretrain --data fashion-mnist"})
final class PretrainCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "RECIPE",
      description = "A recipe name (see 'mae recipes') or a JSON/YAML recipe file (default: quickstart).")
  String recipe = "quickstart";

  @Option(names = "--data", paramLabel = "SOURCE",
      description = "synthetic (built in), fashion-mnist (Debian dataset-fashion-mnist), an image folder (JPEG/PNG, "
          + "or multi-band .tif/.npy for other channel counts) or tar "
          + "shards ('data/shard-{000000..000127}.tar', see 'mae shards') (default: the recipe's dataset when it is one of the first two, else synthetic).")
  @Nullable String data;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (warmup is kept below it).")
  @Nullable Integer epochs;

  @Option(names = "--batch-size", paramLabel = "N",
      description = "Images per optimizer update (the learning rate follows blr × N / 256).")
  @Nullable Integer batchSize;

  @Option(names = "--images-per-epoch", paramLabel = "N",
      description = "Train on at most N images per epoch (a shuffled subset, new each epoch).")
  @Nullable Integer imagesPerEpoch;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of initialization, data order and masks.")
  @Nullable Long seed;

  @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<recipe>-<timestamp>).")
  @Nullable Path out;

  @Option(names = "--normalization", paramLabel = "STATS",
      description = "recipe (default: the recipe's statistics), imagenet, or measured: the data's own per-channel "
          + "mean and std, measured first on --stats-sample images (see 'mae stats').")
  String normalization = "recipe";

  @Option(names = "--stats-sample", paramLabel = "N",
      description = "Images measured for --normalization measured (0: all; default: ${DEFAULT-VALUE}).")
  int statsSample = 10_000;

  @Mixin TrainingOptions options = new TrainingOptions();

  @Override
  public Integer call() throws Exception {
    PretrainRecipe r = RecipeArgument.pretrain(recipe);
    if (epochs != null) {
      r = RecipeEpochs.withEpochs(r, r.toBuilder(), epochs);
    }
    if (batchSize != null) {
      r = r.toBuilder().batchSizePerStep(batchSize).effectiveBatchSize(batchSize).build();
    }
    if (seed != null) {
      r = r.withSeed(seed);
    }
    if (imagesPerEpoch != null) {
      r = r.withImagesPerEpoch(imagesPerEpoch);
    }
    String source = data != null ? data
        : r.getDataset().equals("fashion-mnist") ? "fashion-mnist" : "synthetic";
    switch (normalization) {
      case "recipe" -> { }
      case "imagenet" -> {
        if (r.getModel().getInChannels() != 3) {
          throw new IllegalArgumentException("--normalization imagenet "
              + "is ImageNet's RGB statistics, the recipe's model has " + r.getModel().getInChannels()
              + " channel(s) (model.inChannels): use --normalization measured (the data's own per-channel "
              + "statistics) or the recipe's");
        }
        r = r.toBuilder().normalization(io.github.mae4j.api.recipe.Normalization.imagenet()).build();
      }
      case "measured" -> {
        int size = r.getModel().getImageSize();
        var ds = io.github.mae4j.torch.train.PretrainData.dataset(r, source, r.getSeed(), size,
            r.getModel().getInChannels());
        var stats = StatsCommand.measure(ds, statsSample, r.getSeed());
        r = r.toBuilder().normalization(stats.toNormalization()).build();
        System.err.printf(java.util.Locale.ROOT, "mae pretrain: measured on %d images of %s: mean %s, std %s%n",
            stats.images(), source, java.util.Arrays.toString(r.getNormalization().getMean()),
            java.util.Arrays.toString(r.getNormalization().getStd()));
      }
      default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--normalization must be recipe, imagenet or measured, got '" + normalization + "'");
    }
    Path dir = out != null ? out : Path.of("runs", r.getName() + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    TrainerSettings settings = options.apply(TrainerSettings.defaults(dir).withData(source));
    KnnMonitoring knn = options.knn();
    try (DistributedContext job = JobContext.fromEnvironment(settings.device())) {
      if (JobContext.speaks(job)) {
        System.err.printf("mae pretrain: %s on %s (%s, %s), %d epochs, batch %d, lr %.3g -> %s%n", r.getName(),
            source, settings.device(), settings.precision().name().toLowerCase(java.util.Locale.ROOT),
            r.getEpochs(), r.getEffectiveBatchSize(), r.getLearningRate(), dir);
      }
      PretrainRun.Result result = PretrainRun.start(r, settings, options.workers, ProgressReporter.forStderr(10),
          knn, job);
      if (JobContext.speaks(job)) {
        Report.print(result);
      }
    }
    return 0;
  }
}

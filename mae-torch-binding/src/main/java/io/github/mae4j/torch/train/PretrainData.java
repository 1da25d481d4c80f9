package io.github.mae4j.torch.train;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.data.DataLoader;
import io.github.mae4j.torch.data.EvalTransform;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.ImageSources;
import io.github.mae4j.torch.data.Normalization;
import io.github.mae4j.torch.data.PretrainTransform;
import io.github.mae4j.torch.data.ShardLoader;
import io.github.mae4j.torch.data.SyntheticDataset;
import io.github.mae4j.torch.data.TarShards;
import io.github.mae4j.torch.data.Transform;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The pretraining data of a recipe from a named source: {@code synthetic} (built in, procedural images),
 * {@code fashion-mnist} (the Debian {@code dataset-fashion-mnist} package, train split), a folder of images or tar
 * shards ({@code data/shard-{000000..000127}.tar}, WebDataset layout).
 * The recipe gives the image size, channels, augmentation, normalization, batch and images per epoch.
 */
public final class PretrainData {
  /** Images the built-in synthetic source holds when the recipe does not cap an epoch. */
  public static final int SYNTHETIC_DEFAULT_SIZE = 2048;

  /**
   * Samples each loader worker holds in its shuffle buffer when reading tar shards sequentially (encoded images:
   * about 28 MB per worker for ImageNet's ~110 KB JPEGs).
   */
  public static final int SHUFFLE_BUFFER = 256;

  /**
   * The system property that makes pretraining read tar shards by index in a random order ({@code indexed}: a
   * {@link DataLoader} over {@link TarShards}, batches the same for any worker count) instead of sequentially
   * (the default: {@link ShardLoader}).
   */
  public static final String SHARD_READING_PROPERTY = "mae4j.shardReading";

  private PretrainData() {}

  /**
   * A loader over {@code source} for {@code recipe}, shuffled from {@code seed}.
   *
   * @throws IllegalArgumentException when the source is unknown or holds fewer images than one batch
   * @throws IOException when the dataset cannot be read
   */
  public static ClosableTrainingData open(PretrainRecipe recipe, String source, long seed, int workers) throws IOException {
    return open(recipe, source, seed, workers, 0, 1, System.err::println);
  }

  /** As {@link #open(PretrainRecipe, String, long, int)}, telling {@code skipLog} one line per unreadable image. */
  public static ClosableTrainingData open(PretrainRecipe recipe, String source, long seed, int workers,
      java.util.function.Consumer<String> skipLog) throws IOException {
    return open(recipe, source, seed, workers, 0, 1, skipLog);
  }

  /** As {@link #open(PretrainRecipe, String, long, int, int, int, java.util.function.Consumer)}, skips to stderr. */
  public static ClosableTrainingData open(PretrainRecipe recipe, String source, long seed, int workers, int rank,
      int worldSize) throws IOException {
    return open(recipe, source, seed, workers, rank, worldSize, System.err::println);
  }

  /**
   * The share of rank {@code rank} out of {@code worldSize} processes: every process shuffles each epoch the same
   * way and takes its shard (torch's DistributedSampler layout, the tail padded by wrapping), in batches of the
   * recipe's batch per step divided by the world size — so the processes together take the batches one process
   * would take, image for image. {@code skipLog} hears one line per unreadable image. Tar shards are read
   * sequentially instead ({@link ShardStreamData}: each rank and worker reads its own shards, through a shuffle
   * buffer of {@value #SHUFFLE_BUFFER}; every rank makes the same number of batches), unless
   * {@code -D}{@value #SHARD_READING_PROPERTY}{@code =indexed}.
   *
   * @throws IllegalArgumentException when the world size does not divide the batch per step
   */
  public static ClosableTrainingData open(PretrainRecipe recipe, String source, long seed, int workers, int rank,
      int worldSize, java.util.function.Consumer<String> skipLog) throws IOException {
    int size = recipe.getModel().getImageSize();
    int channels = recipe.getModel().getInChannels();
    int global = recipe.getBatchSizePerStep();
    if (global % worldSize != 0) {
      throw new IllegalArgumentException("the batch size (" + global + ") must be divisible by the number of "
          + "processes (" + worldSize + "): each process takes batch / processes images per step");
    }
    ImageDataset dataset = dataset(recipe, source, seed, size, channels, skipLog);
    if (dataset.size() < global) {
      throw new IllegalArgumentException("data source " + source + " holds " + dataset.size()
          + " images, fewer than one batch of " + global);
    }
    int batch = global / worldSize;
    // as many steps as one process would take (the wrapped tail could otherwise add one)
    long steps = dataset.size() / global;
    if (recipe.getImagesPerEpoch() > 0) {
      steps = Math.min(steps, recipe.getImagesPerEpoch() / global);
    }
    if (dataset instanceof TarShards shards && !"indexed".equals(System.getProperty(SHARD_READING_PROPERTY))) {
      return new ShardStreamData(new ShardLoader(shards, transform(recipe), batch, Math.max(1, workers), rank,
          worldSize, seed, steps, SHUFFLE_BUFFER, skipLog));
    }
    DataLoader loader = DataLoader.builder(dataset).batchSize(batch).workers(workers).seed(seed).dropLast(true)
        .shuffle(true).shard(rank, worldSize).transform(transform(recipe)).onSkip(skipLog).build();
    return new LoaderData(loader, steps);
  }

  /** The dataset behind {@code source}. */
  public static ImageDataset dataset(PretrainRecipe recipe, String source, long seed, int size, int channels)
      throws IOException {
    return dataset(recipe, source, seed, size, channels, System.err::println);
  }

  private static ImageDataset dataset(PretrainRecipe recipe, String source, long seed, int size, int channels,
      java.util.function.Consumer<String> log) throws IOException {
    return switch (source) {
      case "synthetic" -> SyntheticDataset.of(
          recipe.getImagesPerEpoch() > 0 ? recipe.getImagesPerEpoch() : SYNTHETIC_DEFAULT_SIZE, size, channels,
          seed);
      case "fashion-mnist" -> {
        if (!FashionMnist.debianInstalled()) {
          throw new IllegalArgumentException("--data fashion-mnist needs the Debian package dataset-fashion-mnist "
              + "(files under " + FashionMnist.DEBIAN_DIR + ")");
        }
        yield FashionMnist.debian(FashionMnist.Split.TRAIN, channels);
      }
      default -> {
        if (!ImageSources.recognizes(source)) {
          throw new IllegalArgumentException("data source must be synthetic, fashion-mnist, an image folder or tar "
              + "shards (data/shard-{000000..000127}.tar); no folder at " + Path.of(source).toAbsolutePath());
        }
        yield ImageSources.open(source, channels, log);
      }
    };
  }

  /**
   * The recipe's training transform: random resized crop (+ flip) when it asks for one, otherwise a resize and
   * center crop to the model's size (imageSize × imageWidth, square or not); then its normalization.
   * Interpolation is bicubic (PIL flavor) either way.
   */
  public static Transform transform(PretrainRecipe recipe) {
    int height = recipe.getModel().getImageSize();
    int width = recipe.getModel().getImageWidth();
    Augmentation a = recipe.getAugmentation();
    Normalization n = Normalization.from(recipe.getNormalization());
    if (a.isRandomResizedCrop()) {
      PretrainTransform t = PretrainTransform
          .randomResizedCrop(height, width, a.getCropScaleMin(), a.getCropScaleMax())
          .ratio(a.getCropRatioMin(), a.getCropRatioMax());
      if (a.isHorizontalFlip()) {
        t = t.hflip();
      }
      return t.normalize(n);
    }
    return EvalTransform.resizeCenterCrop(Math.max(height, width), height, width).normalize(n);
  }
}

package io.github.mae4j.torch.train;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.data.DataLoader;
import io.github.mae4j.torch.data.EvalTransform;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.ImageFolderDataset;
import io.github.mae4j.torch.data.Normalization;
import io.github.mae4j.torch.data.PretrainTransform;
import io.github.mae4j.torch.data.SyntheticDataset;
import io.github.mae4j.torch.data.Transform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pretraining data of a recipe from a named source: {@code synthetic} (built in, procedural images),
 * {@code fashion-mnist} (the Debian {@code dataset-fashion-mnist} package, train split) or a folder of images.
 * The recipe gives the image size, channels, augmentation, normalization, batch and images per epoch.
 */
public final class PretrainData {
  /** Images the built-in synthetic source holds when the recipe does not cap an epoch. */
  public static final int SYNTHETIC_DEFAULT_SIZE = 2048;

  private PretrainData() {}

  /**
   * A loader over {@code source} for {@code recipe}, shuffled from {@code seed}.
   *
   * @throws IllegalArgumentException when the source is unknown or holds fewer images than one batch
   * @throws IOException when the dataset cannot be read
   */
  public static LoaderData open(PretrainRecipe recipe, String source, long seed, int workers) throws IOException {
    int size = recipe.getModel().getImageSize();
    int channels = recipe.getModel().getInChannels();
    ImageDataset dataset = dataset(recipe, source, seed, size, channels);
    int batch = recipe.getBatchSizePerStep();
    if (dataset.size() < batch) {
      throw new IllegalArgumentException("data source " + source + " holds " + dataset.size()
          + " images, fewer than one batch of " + batch);
    }
    DataLoader loader = DataLoader.builder(dataset).batchSize(batch).workers(workers).seed(seed).dropLast(true)
        .shuffle(true).transform(transform(recipe)).build();
    long maxBatches = recipe.getImagesPerEpoch() > 0 ? recipe.getImagesPerEpoch() / batch : 0;
    return new LoaderData(loader, maxBatches);
  }

  /** The dataset behind {@code source}. */
  public static ImageDataset dataset(PretrainRecipe recipe, String source, long seed, int size, int channels)
      throws IOException {
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
        Path dir = Path.of(source);
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException("data source must be synthetic, fashion-mnist or an image folder; "
              + "no folder at " + dir.toAbsolutePath());
        }
        yield ImageFolderDataset.open(dir, channels);
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

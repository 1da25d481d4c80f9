package io.github.mae4j.torch.train;

import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.data.EvalTransform;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.ImageFolderDataset;
import io.github.mae4j.torch.data.Normalization;
import io.github.mae4j.torch.data.Sample;
import io.github.mae4j.torch.data.SyntheticDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Images a model did not train on, for reconstruction pictures: Fashion-MNIST's test split, synthetic images
 * from another seed, or the first images of a folder. Resized and center-cropped to the model's size and
 * normalized as the recipe says.
 */
public final class HeldOutImages {
  private HeldOutImages() {}

  /**
   * {@code count} images from {@code source} ({@code synthetic}, {@code fashion-mnist} or a folder) as
   * {@code images [count, C, H, W]} (a new tensor owned by the caller's scope).
   */
  public static Tensor load(PretrainRecipe recipe, String source, int count, long seed) throws IOException {
    int size = recipe.getModel().getImageSize();
    int channels = recipe.getModel().getInChannels();
    ImageDataset dataset = switch (source) {
      case "synthetic" -> SyntheticDataset.of(Math.max(count, 8), size, channels, seed ^ 0x7E57_DA7AL);
      case "fashion-mnist" -> FashionMnist.debian(FashionMnist.Split.TEST, channels);
      default -> {
        if (!Files.isDirectory(Path.of(source))) {
          throw new IllegalArgumentException("images must come from synthetic, fashion-mnist or a folder; no folder "
              + "at " + Path.of(source).toAbsolutePath());
        }
        yield ImageFolderDataset.open(Path.of(source), channels);
      }
    };
    int n = Math.min(count, dataset.size());
    if (n < 1) {
      throw new IllegalArgumentException("no images in " + source);
    }
    int width = recipe.getModel().getImageWidth();
    EvalTransform t = EvalTransform.resizeCenterCrop(Math.max(size, width), size, width).normalize(
        Normalization.from(recipe.getNormalization()));
    float[] all = new float[n * channels * size * width];
    for (int i = 0; i < n; i++) {
      // spread evenly over the dataset (a split may be sorted by class)
      Sample s = t.apply(dataset.read((int) ((long) i * dataset.size() / n)), new SplittableRandom(i));
      System.arraycopy(s.chw(), 0, all, i * s.chw().length, s.chw().length);
    }
    Tensor images = torch.empty(n, channels, size, width);
    new FloatPointer(images.data_ptr()).capacity(all.length).put(all);
    return images;
  }
}

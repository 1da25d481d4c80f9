package io.github.mae4j.torch.train;

import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.data.EvalTransform;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.ImageSources;
import io.github.mae4j.torch.data.Normalization;
import io.github.mae4j.torch.data.Sample;
import io.github.mae4j.torch.data.SkipMessages;
import io.github.mae4j.torch.data.SyntheticDataset;
import java.io.IOException;
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
   * {@code images [count, C, H, W]} (a new tensor owned by the caller's scope); unreadable images are skipped with
   * one line each on standard error.
   */
  public static Tensor load(PretrainRecipe recipe, String source, int count, long seed) throws IOException {
    return load(recipe, source, count, seed, System.err::println);
  }

  /**
   * As {@link #load(PretrainRecipe, String, int, long)}; unreadable images are skipped (told to {@code skipLog}, one
   * line each) and replaced by the next readable one, so fewer than {@code count} come back only when the source
   * runs out.
   *
   * @throws IllegalArgumentException when no image tried can be read
   */
  public static Tensor load(PretrainRecipe recipe, String source, int count, long seed,
      java.util.function.Consumer<String> skipLog) throws IOException {
    int size = recipe.getModel().getImageSize();
    int channels = recipe.getModel().getInChannels();
    ImageDataset dataset = switch (source) {
      case "synthetic" -> SyntheticDataset.of(Math.max(count, 8), size, channels, seed ^ 0x7E57_DA7AL);
      case "fashion-mnist" -> FashionMnist.debian(FashionMnist.Split.TEST, channels);
      default -> {
        if (!ImageSources.recognizes(source)) {
          throw new IllegalArgumentException("images must come from synthetic, fashion-mnist, a folder or tar shards; "
              + "no folder at " + Path.of(source).toAbsolutePath());
        }
        yield ImageSources.open(source, channels, s -> { });
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
    boolean[] tried = new boolean[dataset.size()];
    int taken = 0;
    int tries = 0;
    for (int i = 0; i < n; i++) {
      // spread evenly over the dataset (a split may be sorted by class); an unreadable image is skipped, as the
      // training loop skips it, and the next untried one taken instead
      int index = (int) ((long) i * dataset.size() / n);
      while (index < tried.length && tried[index]) {
        index++;
      }
      Sample s = null;
      for (; index < tried.length && s == null; index++) {
        tried[index] = true;
        tries++;
        try {
          s = t.apply(dataset.read(index), new SplittableRandom(taken));
        } catch (IOException e) {
          skipLog.accept(SkipMessages.line(dataset.describe(index), e) + " (held-out images)");
        }
      }
      if (s == null) {
        continue; // the end of the dataset: take what was found
      }
      System.arraycopy(s.chw(), 0, all, taken * s.chw().length, s.chw().length);
      taken++;
    }
    if (taken == 0) {
      throw new IllegalArgumentException("none of the " + tries + " images tried in " + source + " can be read");
    }
    Tensor images = torch.empty(taken, channels, size, width);
    new FloatPointer(images.data_ptr()).capacity((long) taken * channels * size * width).put(all, 0,
        taken * channels * size * width);
    return images;
  }
}

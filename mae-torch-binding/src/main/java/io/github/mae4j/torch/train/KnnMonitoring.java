package io.github.mae4j.torch.train;

import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.data.EvalTransform;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.ImageFolderDataset;
import io.github.mae4j.torch.data.Normalization;
import io.github.mae4j.torch.data.Resampler;
import io.github.mae4j.torch.data.SyntheticDataset;
import io.github.mae4j.torch.downstream.DatasetImages;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.knn.KnnMonitor;
import io.github.mae4j.torch.run.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * k-NN accuracy measured between pretraining epochs ({@link KnnMonitor}: mean patch token, cosine similarity,
 * votes weighted by {@code exp(sim / T)}), recorded as {@code knn_top1} in the epoch lines of metrics.jsonl.
 *
 * <p>Where the labelled bank and queries come from depends on the run's data: Fashion-MNIST → {@code bankSize}
 * training images and {@code querySize} test images (evenly spaced, so every class is in); synthetic → two synthetic
 * sets of other seeds than the training data (6 shape classes); an image folder with class sub-folders → two
 * disjoint, interleaved subsets of it. Images are resized + centre-cropped (the recipe's evalCropPct) and normalized
 * as the recipe says.
 *
 * @param everyEpochs measure after every this many epochs, and after the last
 * @param bankSize labelled images whose features are the neighbours
 * @param querySize images classified
 * @param k neighbours
 * @param temperature vote temperature
 */
public record KnnMonitoring(int everyEpochs, int bankSize, int querySize, int k, double temperature) {
  public KnnMonitoring {
    if (everyEpochs < 1 || bankSize < 1 || querySize < 1 || k < 1 || !(temperature > 0)) {
      throw new IllegalArgumentException("k-NN monitoring needs everyEpochs, bankSize, querySize, k >= 1 and "
          + "temperature > 0; got every " + everyEpochs + ", bank " + bankSize + ", queries " + querySize + ", k "
          + k + ", T " + temperature);
    }
  }

  /** The file of a run directory that records the run's monitoring, so that a resumed run keeps it. */
  public static final String FILE = "knn-monitoring.json";

  /** Records this monitoring in {@code runDir} (atomically), for {@link #recorded(Path)}. */
  public void record(Path runDir) throws IOException {
    byte[] json = io.github.mae4j.api.Json.write(this).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    AtomicFiles.write(runDir.resolve(FILE), out -> out.write(json));
  }

  /**
   * The monitoring recorded in {@code runDir}, if any.
   *
   * @throws IOException naming the file when it cannot be read or does not hold a valid monitoring
   */
  public static java.util.Optional<KnnMonitoring> recorded(Path runDir) throws IOException {
    Path file = runDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(io.github.mae4j.api.Json.read(Files.readString(file), KnnMonitoring.class));
    } catch (RuntimeException e) {
      throw new IOException(file + " does not hold a k-NN monitoring: " + e.getMessage(), e);
    }
  }

  /** Every {@code everyEpochs} epochs with a bank of 2,000 images, 500 queries, k = 20, T = 0.07. */
  public static KnnMonitoring every(int everyEpochs) {
    return new KnnMonitoring(everyEpochs, 2000, 500, 20, 0.07);
  }

  /** Whether to measure after {@code epochsDone} epochs of {@code totalEpochs}. */
  public boolean dueAfter(int epochsDone, int totalEpochs) {
    return epochsDone % everyEpochs == 0 || epochsDone == totalEpochs;
  }

  /**
   * Loads the labelled bank and queries for a run of {@code recipe} on {@code source} ({@code synthetic},
   * {@code fashion-mnist} or a folder).
   *
   * @throws IllegalArgumentException for a folder without class sub-folders or with fewer than 2 images
   */
  public KnnMonitor open(PretrainRecipe recipe, String source, long seed) throws IOException {
    int size = recipe.getModel().getImageSize();
    int channels = recipe.getModel().getInChannels();
    int width = recipe.getModel().getImageWidth();
    int side = Math.max(size, width);
    int resize = Math.max(side, (int) Math.round(side / recipe.getAugmentation().getEvalCropPct()));
    EvalTransform t = new EvalTransform(resize, size, width, Normalization.from(recipe.getNormalization()),
        Resampler.pil());
    LabeledImages bank;
    LabeledImages queries;
    int classes;
    switch (source) {
      case "synthetic" -> {
        SyntheticDataset b = SyntheticDataset.of(bankSize, size, channels, seed ^ 0x6B6E_6E42L);
        SyntheticDataset q = SyntheticDataset.of(querySize, size, channels, seed ^ 0x6B6E_6E51L);
        bank = DatasetImages.read(b, DatasetImages.evenlySpaced(b.size(), 0), t);
        queries = DatasetImages.read(q, DatasetImages.evenlySpaced(q.size(), 0), t);
        classes = b.classes().size();
      }
      case "fashion-mnist" -> {
        ImageDataset b = FashionMnist.debian(FashionMnist.Split.TRAIN, channels);
        ImageDataset q = FashionMnist.debian(FashionMnist.Split.TEST, channels);
        bank = DatasetImages.read(b, DatasetImages.evenlySpaced(b.size(), bankSize), t);
        queries = DatasetImages.read(q, DatasetImages.evenlySpaced(q.size(), querySize), t);
        classes = FashionMnist.CLASSES.size();
      }
      default -> {
        Path dir = Path.of(source);
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException("k-NN monitoring reads synthetic, fashion-mnist or a folder; no folder at "
              + dir.toAbsolutePath());
        }
        ImageFolderDataset ds = ImageFolderDataset.open(dir, channels);
        if (ds.classes().isEmpty() || ds.size() < 2) {
          throw new IllegalArgumentException("k-NN monitoring needs labelled images: " + dir + " has "
              + (ds.classes().isEmpty() ? "no class sub-folders holding images" : "only " + ds.size() + " image")
              + " (lay it out as " + dir.resolve("<class>/<image>.png") + ")");
        }
        int[] all = DatasetImages.evenlySpaced(ds.size(), bankSize + querySize);
        int[] even = new int[(all.length + 1) / 2];
        int[] odd = new int[all.length / 2];
        for (int i = 0; i < all.length; i++) {
          (i % 2 == 0 ? even : odd)[i / 2] = all[i];
        }
        bank = DatasetImages.read(ds, even, t);
        queries = DatasetImages.read(ds, odd, t);
        classes = ds.classes().size();
      }
    }
    return new KnnMonitor(bank, queries, classes, Math.min(k, (int) bank.size()), temperature);
  }
}

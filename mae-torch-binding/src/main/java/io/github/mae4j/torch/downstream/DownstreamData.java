package io.github.mae4j.torch.downstream;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.Recipe;
import io.github.mae4j.torch.data.EvalTransform;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.ImageSources;
import io.github.mae4j.torch.data.Resampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The labelled data of a downstream run: Fashion-MNIST's training and test sets, or two image folders laid out as
 * torchvision's {@code ImageFolder} ({@code DIR/<class>/<image>.png|jpg}) with the same classes, each optionally cut
 * to its first (Fashion-MNIST) or evenly spaced (folders) {@code limit} images. Immutable; the folders' classes are
 * scanned once, when first needed.
 */
public final class DownstreamData {
  private final @Nullable Path trainDir;
  private final @Nullable Path valDir;
  private final int trainLimit;
  private final int testLimit;
  private @Nullable List<String> folderClasses;

  private DownstreamData(@Nullable Path trainDir, @Nullable Path valDir, int trainLimit, int testLimit) {
    if (trainLimit < 0 || testLimit < 0) {
      throw new IllegalArgumentException("limits must be >= 0 (0: all), got " + trainLimit + " and " + testLimit);
    }
    this.trainDir = trainDir;
    this.valDir = valDir;
    this.trainLimit = trainLimit;
    this.testLimit = testLimit;
  }

  /** Fashion-MNIST's first {@code trainLimit} training and {@code testLimit} test images (0: all). */
  public static DownstreamData fashionMnist(int trainLimit, int testLimit) {
    return new DownstreamData(null, null, trainLimit, testLimit);
  }

  /**
   * Labelled folders: {@code trainDir} for training (or the k-NN bank), {@code valDir} for evaluation; either may be
   * null only to be refused with a clear message when the data are read.
   */
  public static DownstreamData folders(@Nullable Path trainDir, @Nullable Path valDir, int trainLimit,
      int testLimit) {
    return new DownstreamData(trainDir, valDir, trainLimit, testLimit);
  }

  /** The data a run recorded with {@link #saveTo(Map)} (runs from before folders recorded none: Fashion-MNIST). */
  public static DownstreamData fromSettings(Map<String, String> settings) {
    String train = settings.getOrDefault("train_dir", "");
    String val = settings.getOrDefault("val_dir", "");
    return new DownstreamData(train.isEmpty() ? null : Path.of(train), val.isEmpty() ? null : Path.of(val),
        intSetting(settings, "train_limit"), intSetting(settings, "test_limit"));
  }

  /** Records where the data come from in a run's settings, so that a resumed run reads the same data. */
  public void saveTo(Map<String, String> settings) {
    settings.put("train_limit", Integer.toString(trainLimit));
    settings.put("test_limit", Integer.toString(testLimit));
    settings.put("train_dir", trainDir == null ? "" : trainDir.toAbsolutePath().normalize().toString());
    settings.put("val_dir", valDir == null ? "" : valDir.toAbsolutePath().normalize().toString());
  }

  /** True when folders replace Fashion-MNIST. */
  public boolean usesFolders() {
    return trainDir != null || valDir != null;
  }

  public int trainLimit() {
    return trainLimit;
  }

  public int testLimit() {
    return testLimit;
  }

  /**
   * Number of classes: the class sub-folders of the training folder (checked to equal the validation folder's), or
   * Fashion-MNIST's 10.
   *
   * @throws IllegalArgumentException for only one folder, folders whose classes differ, or one without classes
   */
  public int numClasses() throws IOException {
    return usesFolders() ? checkedFolderClasses().size() : FashionMnist.CLASSES.size();
  }

  /**
   * The labelled images of a split: from the folders (TRAIN → training folder, TEST → validation folder), streamed
   * from disk batch by batch ({@link StreamedImages}: memory bounded by a batch, not by the folder), resized so the
   * shorter side is {@code imageSize / evalCropPct} and centre-cropped to the model's image size, converted to its
   * channels and normalized with {@link #normalizationFor the recipe's statistics}; otherwise Fashion-MNIST, in
   * memory.
   *
   * @param log told what was found in a folder
   * @throws IllegalArgumentException for only one of the two folders, folders whose classes differ, an empty or
   *     unlabelled folder, or Fashion-MNIST with a model that is not 28×28 gray (an unreadable image is skipped with
   *     its label and told to {@code log} in one line)
   */
  public LabeledData load(FashionMnist.Split split, MaeConfig model, Recipe recipe, Consumer<String> log)
      throws IOException {
    return load(split, model, recipe, Optional.empty(), log);
  }

  /**
   * As {@link #load(FashionMnist.Split, MaeConfig, Recipe, Consumer)} for the encoder {@code w}: its model, and its
   * pretraining statistics where the recipe's do not fit its channels ({@link #normalizationFor(Recipe, MaeConfig,
   * Optional)}).
   */
  public LabeledData load(FashionMnist.Split split, EncoderWeights w, Recipe recipe, Consumer<String> log)
      throws IOException {
    return load(split, w.model(), recipe, w.normalization(), log);
  }

  private LabeledData load(FashionMnist.Split split, MaeConfig model, Recipe recipe,
      Optional<Normalization> pretrained, Consumer<String> log) throws IOException {
    boolean training = split == FashionMnist.Split.TRAIN;
    if (usesFolders()) {
      checkedFolderClasses();
      Path dir = training ? trainDir : valDir;
      ImageDataset ds = ImageSources.open(dir.toString(), model.getInChannels(), log);
      if (ds.classes().isEmpty()) {
        throw new IllegalArgumentException(dir + " has no labels (no class sub-folders holding images, or shards "
            + "without key.cls members); labelled data must be laid out as " + dir.resolve("<class>/<image>.png"));
      }
      StreamedImages s = new StreamedImages(ds, DatasetImages.evenlySpaced(ds.size(), training ? trainLimit
          : testLimit), evalTransform(recipe, model, pretrained), log);
      log.accept("found " + s.size() + " images of " + ds.classes().size() + " classes in " + dir
          + " (read batch by batch)");
      return s;
    }
    if (model.getImageSize() != 28 || model.getInChannels() != 1) {
      throw new IllegalArgumentException("Fashion-MNIST is 28×28 with 1 channel, the model expects "
          + model.getImageSize() + "×" + model.getImageSize() + " with " + model.getInChannels() + " channel(s)");
    }
    return FashionMnistImages.load(split, training ? trainLimit : testLimit);
  }

  /**
   * The deterministic transform of images read from a folder: resize so the shorter side is
   * {@code max(imageSize, imageWidth) / evalCropPct}, centre-crop to the model's size (imageSize × imageWidth),
   * normalize as {@link #normalizationFor}.
   */
  public static EvalTransform evalTransform(Recipe recipe, MaeConfig model) {
    return evalTransform(recipe, model, Optional.empty());
  }

  /** As {@link #evalTransform(Recipe, MaeConfig)} for the encoder {@code w} (its model and pretraining statistics). */
  public static EvalTransform evalTransform(Recipe recipe, EncoderWeights w) {
    return evalTransform(recipe, w.model(), w.normalization());
  }

  private static EvalTransform evalTransform(Recipe recipe, MaeConfig model, Optional<Normalization> pretrained) {
    int size = model.getImageSize();
    int width = model.getImageWidth();
    int side = Math.max(size, width);
    int resize = Math.max(side, (int) Math.round(side / recipe.getAugmentation().getEvalCropPct()));
    return new EvalTransform(resize, size, width,
        io.github.mae4j.torch.data.Normalization.from(normalizationFor(recipe, model, pretrained)), Resampler.pil());
  }

  /** The recipe's statistics when they fit the model's channels; else ImageNet's (RGB) or none (any other count). */
  public static Normalization normalizationFor(Recipe recipe, MaeConfig model) {
    return normalizationFor(recipe, model, Optional.empty());
  }

  /**
   * The recipe's statistics when they fit the model's channels; else those the encoder was pretrained with when
   * known and fitting (a 13-band model pretrained with measured statistics is fine-tuned with them, not with a
   * 3-channel recipe's ImageNet ones); else ImageNet's (RGB) or none (any other count: never ImageNet's forced on
   * non-RGB data).
   */
  public static Normalization normalizationFor(Recipe recipe, MaeConfig model, Optional<Normalization> pretrained) {
    int c = model.getInChannels();
    Normalization n = recipe.getNormalization();
    if (n.getChannels() == c) {
      return n;
    }
    if (pretrained.isPresent() && pretrained.get().getChannels() == c) {
      return pretrained.get();
    }
    return c == 3 ? Normalization.imagenet() : Normalization.identity(c);
  }

  private List<String> checkedFolderClasses() throws IOException {
    if (folderClasses == null) {
      if (trainDir == null || valDir == null) {
        throw new IllegalArgumentException("give both a training and a validation folder (--train-dir and --val-dir;"
            + " DownstreamData.folders(train, val, …)), got only the "
            + (trainDir != null ? "training folder " + trainDir : "validation folder " + valDir));
      }
      // channels do not change the scan; 3 accepts any model
      List<String> train = ImageSources.open(trainDir.toString(), 3, s -> { }).classes();
      List<String> val = ImageSources.open(valDir.toString(), 3, s -> { }).classes();
      if (train.isEmpty()) {
        throw new IllegalArgumentException("the training folder " + trainDir + " has no class sub-folders holding "
            + "images; "
            + "lay it out as " + trainDir.resolve("<class>/<image>.png"));
      }
      LabeledFolder.requireSameClasses(train, trainDir, val, valDir);
      folderClasses = List.copyOf(train);
    }
    return folderClasses;
  }

  private static int intSetting(Map<String, String> settings, String key) {
    String v = settings.get(key);
    return v == null || v.isEmpty() ? 0 : Integer.parseInt(v);
  }

  @Override
  public String toString() {
    return usesFolders() ? "folders " + trainDir + " / " + valDir + " (limits " + trainLimit + ", " + testLimit + ")"
        : "Fashion-MNIST (limits " + trainLimit + ", " + testLimit + ")";
  }
}

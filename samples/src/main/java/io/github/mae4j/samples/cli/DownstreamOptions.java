package io.github.mae4j.samples.cli;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.Recipe;
import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.samples.proof.ProofData;
import io.github.mae4j.torch.data.Resampler;
import io.github.mae4j.torch.data.EvalTransform;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.data.ImageFolderDataset;
import io.github.mae4j.torch.downstream.LabeledFolder;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.eval.Evaluation;
import io.github.mae4j.torch.downstream.vit.EncoderLoadReport;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options shared by {@code mae knn|linprobe|finetune|features}: the encoder and the data. */
final class DownstreamOptions {
  @Option(names = "--checkpoint", paramLabel = "FILE",
      description = "A mae4j checkpoint (*.ckpt or run directory) or an official MAE .pth; "
          + "omit for a randomly initialized encoder (a baseline).")
  @Nullable Path checkpoint;

  @Option(names = "--train-dir", paramLabel = "DIR",
      description = "Labelled training images DIR/<class>/<image>.png|jpg instead of Fashion-MNIST's training set "
          + "(classes: sub-folder names sorted, as torchvision's ImageFolder); needs --val-dir.")
  @Nullable Path trainDir;

  @Option(names = "--val-dir", paramLabel = "DIR",
      description = "Labelled evaluation images, same class sub-folders as --train-dir, instead of Fashion-MNIST's "
          + "test set. Images of both are converted to the model's channels, resized and centre-cropped.")
  @Nullable Path valDir;

  @Option(names = "--train-limit", paramLabel = "N",
      description = "Use only N training images (0: all): Fashion-MNIST's first N, or N evenly spaced in a folder.")
  int trainLimit;

  @Option(names = "--test-limit", paramLabel = "N",
      description = "Use only N test images (0: all): Fashion-MNIST's first N, or N evenly spaced in a folder.")
  int testLimit;

  private @Nullable List<String> folderClasses;

  @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
  boolean json;

  static void log(String s) {
    System.err.println(s);
  }

  /**
   * Adds the encoder and data options given on the command line to {@code given} (absent ones as null): a resumed
   * run takes them from its checkpoint, so {@code --resume} refuses them.
   */
  void putGiven(Map<String, @Nullable Object> given) {
    given.put("--checkpoint", checkpoint);
    given.put("--train-limit", trainLimit == 0 ? null : trainLimit);
    given.put("--test-limit", testLimit == 0 ? null : testLimit);
    given.put("--train-dir", trainDir);
    given.put("--val-dir", valDir);
  }

  /** Records where the labelled data came from, so that {@code --resume} reads the same data. */
  void saveDataSettings(Map<String, String> settings) {
    settings.put("train_limit", Integer.toString(trainLimit));
    settings.put("test_limit", Integer.toString(testLimit));
    settings.put("train_dir", trainDir == null ? "" : trainDir.toAbsolutePath().normalize().toString());
    settings.put("val_dir", valDir == null ? "" : valDir.toAbsolutePath().normalize().toString());
  }

  /** The data options a run recorded with {@link #saveDataSettings(Map)} (runs from before folders: none). */
  void restoreDataSettings(Map<String, String> settings) {
    trainLimit = RunDirOptions.intSetting(settings, "train_limit", 0);
    testLimit = RunDirOptions.intSetting(settings, "test_limit", 0);
    String train = settings.getOrDefault("train_dir", "");
    String val = settings.getOrDefault("val_dir", "");
    trainDir = train.isEmpty() ? null : Path.of(train);
    valDir = val.isEmpty() ? null : Path.of(val);
    folderClasses = null;
  }

  /** True when {@code --train-dir}/{@code --val-dir} replace Fashion-MNIST. */
  boolean usesFolders() {
    return trainDir != null || valDir != null;
  }

  /**
   * Number of classes of the labelled data: the class sub-folders of {@code --train-dir} (the same as
   * {@code --val-dir}'s, checked), or Fashion-MNIST's 10.
   */
  int numClasses() throws IOException {
    return usesFolders() ? checkedFolderClasses().size() : FashionMnist.CLASSES.size();
  }

  /**
   * The labelled images of a split: with {@code --train-dir}/{@code --val-dir}, that folder (TRAIN → train-dir,
   * TEST → val-dir) resized so the shorter side is {@code imageSize / evalCropPct} and centre-cropped to the model's
   * image size, converted to its channels and normalized with the recipe's statistics (ImageNet's for an RGB model
   * when the recipe's are for another channel count, none for gray); otherwise Fashion-MNIST.
   *
   * @throws IllegalArgumentException for only one of the two folders, folders whose classes differ, an empty or
   *     unlabelled folder, an unreadable image (named), or Fashion-MNIST with a model that is not 28×28 gray
   */
  LabeledImages data(FashionMnist.Split split, MaeConfig model, Recipe recipe) throws IOException {
    if (usesFolders()) {
      checkedFolderClasses();
      Path dir = split == FashionMnist.Split.TRAIN ? trainDir : valDir;
      int size = model.getImageSize();
      int resize = Math.max(size, (int) Math.round(size / recipe.getAugmentation().getEvalCropPct()));
      EvalTransform t = new EvalTransform(resize, size, folderNormalization(recipe, model), Resampler.pil());
      LabeledFolder f = LabeledFolder.read(dir, model.getInChannels(), t,
          split == FashionMnist.Split.TRAIN ? trainLimit : testLimit, true);
      log("read " + f.data().size() + " images of " + f.numClasses() + " classes from " + dir);
      return f.data();
    }
    if (model.getImageSize() != 28 || model.getInChannels() != 1) {
      throw new IllegalArgumentException("Fashion-MNIST is 28×28 with 1 channel, the model expects "
          + model.getImageSize() + "×" + model.getImageSize() + " with " + model.getInChannels() + " channel(s)");
    }
    return ProofData.load(split, split == FashionMnist.Split.TRAIN ? trainLimit : testLimit);
  }

  private List<String> checkedFolderClasses() throws IOException {
    if (folderClasses == null) {
      if (trainDir == null || valDir == null) {
        throw new IllegalArgumentException("give both --train-dir and --val-dir (got only "
            + (trainDir != null ? "--train-dir " + trainDir : "--val-dir " + valDir) + ")");
      }
      // channels do not change the scan; 3 accepts any model
      List<String> train = ImageFolderDataset.open(trainDir, 3).classes();
      List<String> val = ImageFolderDataset.open(valDir, 3).classes();
      if (train.isEmpty()) {
        throw new IllegalArgumentException("--train-dir " + trainDir + " has no class sub-folders holding images; "
            + "lay it out as " + trainDir.resolve("<class>/<image>.png"));
      }
      LabeledFolder.requireSameClasses(train, trainDir, val, valDir);
      folderClasses = train;
    }
    return folderClasses;
  }

  /** The recipe's statistics when they fit the model's channels; else ImageNet's (RGB) or none (gray). */
  static Normalization normalizationFor(Recipe recipe, MaeConfig model) {
    Normalization n = recipe.getNormalization();
    if (n.getChannels() != model.getInChannels()) {
      n = model.getInChannels() == 3 ? Normalization.imagenet() : Normalization.identity(model.getInChannels());
    }
    return n;
  }

  /** {@link #normalizationFor(Recipe, MaeConfig)} as the transform's statistics. */
  static io.github.mae4j.torch.data.Normalization folderNormalization(Recipe recipe, MaeConfig model) {
    return io.github.mae4j.torch.data.Normalization.from(normalizationFor(recipe, model));
  }

  /** A frozen feature extractor (average pooling + fresh fc_norm) holding the encoder weights. */
  static VitClassifier frozenEncoder(EncoderWeights w, int numClasses, Pooling pooling) {
    VitClassifier m = new VitClassifier(w.model(), numClasses, pooling, 0.0, 0);
    if (w.weights() != null) {
      EncoderLoadReport r = m.loadEncoder(w.weights());
      log("loaded " + r.loaded().size() + " encoder tensors from " + w.description()
          + (r.posEmbedResized() ? " (pos_embed interpolated)" : ""));
    } else {
      log("encoder: " + w.description());
    }
    return m;
  }

  /** images → features [N, D] in batches of 256. */
  static Tensor features(VitClassifier m, LabeledImages data) {
    return Evaluation.features(m, data.images(), 256);
  }
}

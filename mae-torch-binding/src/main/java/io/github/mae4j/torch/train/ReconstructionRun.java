package io.github.mae4j.torch.train;

import io.github.mae4j.api.Json;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.MaeDevice;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.Reconstruction;
import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.run.TensorData;
import io.github.mae4j.torch.weights.ChannelAdaptation;
import io.github.mae4j.torch.weights.PretrainedWeights;
import io.github.mae4j.torch.weights.WeightFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * The paper's Figure 2 for any checkpoint, as {@code mae reconstruct} draws it: a grid of held-out images (original |
 * masked | reconstruction | reconstruction + visible patches) written as a PNG.
 *
 * @param checkpoint a mae4j checkpoint ({@code *.ckpt}), a run directory, an official MAE {@code .pth}, a
 *     Hugging Face ViTMAE directory or a safetensors file of these layouts
 * @param official the model and statistics of an official {@code .pth}; may be null when
 *     {@link #namesItsModel(Path) the checkpoint names its own}
 * @param source the images: a folder, {@code synthetic} or {@code fashion-mnist} (held-out split); null: the data
 *     the run trained on (a mae4j checkpoint), else synthetic
 * @param count images (rows)
 * @param seed seed of the masks and of the images drawn
 * @param maskRatio fraction of patches removed, or null for the model's
 * @param stats how normalized-pixel predictions are mapped back to pixels
 * @param device {@code cpu} or {@code cuda[:N]}
 * @param out the PNG to write
 * @param adaptChannels how to adapt an official or Hugging Face checkpoint of another channel count than the
 *     model's, or null to refuse it
 */
public record ReconstructionRun(Path checkpoint, @Nullable PretrainRecipe official, @Nullable String source, int count,
    long seed, @Nullable Double maskRatio, Reconstruction.PatchStatistics stats, String device, Path out,
    @Nullable ChannelAdaptation adaptChannels) {
  /** Rows drawn unless asked otherwise. */
  public static final int DEFAULT_COUNT = 8;

  public ReconstructionRun {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
  }

  /** Whether {@code checkpoint} is a mae4j checkpoint or run directory, whose recipe names the model. */
  public static boolean namesItsModel(Path checkpoint) {
    return (Files.isDirectory(checkpoint) && !WeightFiles.isHfDirectory(checkpoint))
        || CheckpointFile.isCheckpoint(checkpoint);
  }

  /**
   * {@link #DEFAULT_COUNT} images of the run's data (synthetic for an official file), seed 0, the model's mask
   * ratio, each patch's own statistics, on the CPU.
   */
  public static ReconstructionRun of(Path checkpoint, @Nullable PretrainRecipe official, Path out) {
    return new ReconstructionRun(checkpoint, official, null, DEFAULT_COUNT, 0, null,
        Reconstruction.PatchStatistics.TRUE_ORACLE, "cpu", out, null);
  }

  /** The same with another image source (a folder, {@code synthetic} or {@code fashion-mnist}). */
  public ReconstructionRun withSource(@Nullable String images) {
    return new ReconstructionRun(checkpoint, official, images, count, seed, maskRatio, stats, device, out,
        adaptChannels);
  }

  /** The same with {@code n} rows, masks drawn from {@code maskSeed}. */
  public ReconstructionRun withCount(int n, long maskSeed) {
    return new ReconstructionRun(checkpoint, official, source, n, maskSeed, maskRatio, stats, device, out,
        adaptChannels);
  }

  /** The same with another mask ratio (null: the model's). */
  public ReconstructionRun withMaskRatio(@Nullable Double ratio) {
    return new ReconstructionRun(checkpoint, official, source, count, seed, ratio, stats, device, out,
        adaptChannels);
  }

  /** The same mapping normalized-pixel predictions with other statistics, on another device. */
  public ReconstructionRun withStats(Reconstruction.PatchStatistics s, String onDevice) {
    return new ReconstructionRun(checkpoint, official, source, count, seed, maskRatio, s, onDevice, out,
        adaptChannels);
  }

  /**
   * The same adapting an official or Hugging Face checkpoint of another channel count to the model's (null:
   * refuse it). The model's count is the official recipe's, or for a Hugging Face directory the official recipe's
   * when one is given, else the directory's own.
   */
  public ReconstructionRun withAdaptChannels(@Nullable ChannelAdaptation adaptation) {
    return new ReconstructionRun(checkpoint, official, source, count, seed, maskRatio, stats, device, out,
        adaptation);
  }

  /**
   * What was drawn.
   *
   * @param png the grid written
   * @param source where the images came from
   * @param model the checkpoint file the model was read from
   */
  public record Result(Path png, String source, Path model) {}

  /**
   * Reads the model, draws the images and their masks, writes the grid.
   *
   * @param log told how an official checkpoint was loaded
   * @throws IOException when the checkpoint or the images cannot be read, or the PNG cannot be written
   * @throws IllegalArgumentException when an official checkpoint does not fit the model
   */
  public Result run(Consumer<String> log) throws IOException {
    Path file = checkpoint;
    PretrainRecipe recipe;
    String recorded;
    TrainingCheckpoint ours = null;
    if (namesItsModel(file)) {
      file = CheckpointStore.resolve(file);
      ours = CheckpointFile.read(file);
      recipe = RecipeIo.fromJson(ours.recipeJson(), PretrainRecipe.class);
      recorded = Json.read(ours.settingsJson(), TrainerSettings.class).data();
    } else if (official != null) {
      recipe = official;
      recorded = "synthetic";
    } else {
      throw new IllegalArgumentException(file + " is not a mae4j checkpoint: give the model of an official file");
    }
    WeightFiles.Contents weights = ours == null ? WeightFiles.read(file) : null;
    if (weights != null && weights.hfConfig().isPresent()) {
      // an HF directory says its model: image size, channels, network, normalized-pixel targets, mask ratio
      MaeConfig hf = weights.hfConfig().get().toMaeConfig();
      if (adaptChannels != null && official != null) {
        // the data's channel count is the given recipe's: the checkpoint's channels are adapted to it
        hf = MaeConfig.builder().from(hf).inChannels(official.getModel().getInChannels()).build();
      }
      recipe = recipe.withModel(hf);
    }
    if (maskRatio != null) {
      recipe = recipe.withModel(recipe.getModel().withMaskRatio(maskRatio));
    }
    String from = source != null ? source : recorded;
    try (WeightFiles.Contents closing = weights;
        MaskedAutoencoder mae = MaskedAutoencoder.create(recipe.getModel(), MaeDevice.parse(device), 0)) {
      if (ours != null) {
        try (PointerScope ignored = new PointerScope()) {
          Map<String, Tensor> sd = new LinkedHashMap<>();
          for (Map.Entry<String, TensorData> e : ours.model().entrySet()) {
            sd.put(e.getKey(), e.getValue().toTensor());
          }
          mae.loadStateDict(sd, true);
        }
      } else {
        PretrainedWeights.Loaded r = PretrainedWeights.load(mae, closing, adaptChannels);
        log.accept("loaded " + file + " as " + r.result().layout() + " (" + r.layout() + " names"
            + (r.notes().isEmpty() ? "" : "; " + String.join("; ", r.notes())) + "; " + r.result().report() + ")");
      }
      mae.train(false);
      Normalization n = recipe.getNormalization();
      try (PointerScope ignored = new PointerScope()) {
        Tensor x = HeldOutImages.load(recipe, from, count, seed);
        int size = recipe.getModel().getImageSize();
        ReconstructionGrid.write(mae, x, n.getMean(), n.getStd(), seed, ReconstructionGrid.scaleFor(size, 112),
            stats, out);
      }
    }
    return new Result(out, from, file);
  }
}

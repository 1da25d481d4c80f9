package io.github.mae4j.torch.downstream;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.run.PretrainCheckpointFile;
import io.github.mae4j.torch.run.TensorData;
import io.github.mae4j.torch.weights.ChannelAdaptation;
import io.github.mae4j.torch.weights.HfConfig;
import io.github.mae4j.torch.weights.PretrainedWeights;
import io.github.mae4j.torch.weights.WeightFiles;
import io.github.mae4j.torch.weights.WeightLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * The encoder a downstream run starts from, read from any checkpoint: a mae4j pretraining checkpoint (a
 * {@code *.ckpt} file or a run directory; its recipe says the model), an official MAE {@code .pth}, a timm ViT
 * ({@code .pth}/{@code .safetensors}), a Hugging Face ViTMAE directory ({@code config.json} +
 * {@code model.safetensors}) or any safetensors file of these layouts (full MAE or encoder only; the model is the
 * one the caller expects, with an HF config's network), or none (random initialization).
 *
 * @param model the architecture the weights belong to
 * @param weights MAE parameters by reference name ({@code patch_embed.proj.weight}, {@code blocks.0...}), or null
 *     for random initialization
 * @param description where they came from, for a log line: the file and epoch, or the file and its layout
 * @param normalization the statistics the encoder was pretrained with, when the checkpoint records them (a mae4j
 *     checkpoint's recipe): what a downstream run of another channel count than its recipe's normalizes with
 */
public record EncoderWeights(MaeConfig model, @Nullable Map<String, Tensor> weights, String description,
    Optional<Normalization> normalization) {
  /** Weights whose pretraining statistics are unknown (official, timm, Hugging Face checkpoints; random). */
  public EncoderWeights(MaeConfig model, @Nullable Map<String, Tensor> weights, String description) {
    this(model, weights, description, Optional.empty());
  }

  /** The file name ending that marks a safetensors checkpoint. */
  public static final String SAFETENSORS = ".safetensors";

  /** No weights: an encoder of {@code model} initialized at random (the baseline of a downstream table). */
  public static EncoderWeights random(MaeConfig model) {
    return new EncoderWeights(model, null, "random initialization");
  }

  /**
   * Reads the encoder of {@code checkpoint}, or {@link #random(MaeConfig)} when it is null.
   *
   * @param checkpoint a mae4j checkpoint or run directory, an official {@code .pth}, a safetensors file, or null
   * @param expected the model an official or safetensors checkpoint is loaded into (a mae4j checkpoint names its
   *     own)
   * @throws IllegalArgumentException when {@code checkpoint} does not exist, or its tensors do not fit the model
   * @throws IOException when it cannot be read
   */
  public static EncoderWeights load(@Nullable Path checkpoint, MaeConfig expected) throws IOException {
    return load(checkpoint, expected, null);
  }

  /**
   * As {@link #load(Path, MaeConfig)}, adapting weights of another channel count as {@code adaptation} says
   * (null: refuse them, naming {@code patch_embed.proj.weight}). An official, timm or Hugging Face checkpoint is
   * loaded strictly ({@link PretrainedWeights}): its position embeddings are resized to the expected image size,
   * and an HF {@code config.json} gives the network (widths, depths, heads, LayerNorm eps).
   */
  public static EncoderWeights load(@Nullable Path checkpoint, MaeConfig expected,
      @Nullable ChannelAdaptation adaptation) throws IOException {
    if (checkpoint == null) {
      return random(expected);
    }
    if (!Files.exists(checkpoint)) {
      throw new IllegalArgumentException("checkpoint " + checkpoint + " does not exist");
    }
    boolean hfDirectory = Files.isDirectory(checkpoint) && Files.exists(checkpoint.resolve(HfConfig.FILE));
    if ((Files.isDirectory(checkpoint) && !hfDirectory) || PretrainCheckpointFile.isCheckpoint(checkpoint)) {
      PretrainCheckpointFile.Weights c = PretrainCheckpointFile.readWeights(checkpoint);
      PretrainRecipe pretrained = RecipeIo.fromJson(c.recipeJson(), PretrainRecipe.class);
      MaeConfig model = pretrained.getModel();
      try (MaskedAutoencoder mae = MaskedAutoencoder.create(model, 0)) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : c.model().entrySet()) {
          sd.put(e.getKey(), e.getValue().toTensor());
        }
        mae.loadStateDict(sd, true);
        return new EncoderWeights(model, mae.stateDict(), c.file() + " (epoch " + c.epoch() + ")",
            Optional.of(pretrained.getNormalization()));
      }
    }
    try (WeightFiles.Contents contents = WeightFiles.read(checkpoint)) {
      MaeConfig model = PretrainedWeights.modelFor(contents, expected);
      try (MaskedAutoencoder mae = MaskedAutoencoder.create(model, 0)) {
        PretrainedWeights.Loaded r = PretrainedWeights.load(mae, contents, adaptation);
        String what = (r.layout() == WeightLayout.HF ? "HF " : "") + r.result().layout()
            + (r.result().ignored().isEmpty() ? "" : ", ignored " + r.result().ignored())
            + (r.notes().isEmpty() ? "" : ", " + String.join("; ", r.notes()));
        return new EncoderWeights(model, mae.stateDict(), checkpoint + " (" + what + ")");
      }
    }
  }

  /** Whether there are no weights (random initialization). */
  public boolean isRandom() {
    return weights == null;
  }
}

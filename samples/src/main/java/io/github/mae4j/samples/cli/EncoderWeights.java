package io.github.mae4j.samples.cli;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.train.CheckpointFile;
import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.run.TensorData;
import io.github.mae4j.torch.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * The encoder a downstream verb starts from: a mae4j checkpoint (its recipe says the model), an official MAE
 * {@code .pth} (full or encoder-only; the model comes from the downstream recipe), or none (random init).
 *
 * @param model the architecture
 * @param weights MAE parameters by reference name, or null for random initialization
 * @param description where they came from, for the log
 */
record EncoderWeights(MaeConfig model, @Nullable Map<String, Tensor> weights, String description) {

  static EncoderWeights load(@Nullable Path checkpoint, MaeConfig recipeModel) throws IOException {
    if (checkpoint == null) {
      return new EncoderWeights(recipeModel, null, "random initialization");
    }
    if (!Files.exists(checkpoint)) {
      throw new IllegalArgumentException("checkpoint " + checkpoint + " does not exist");
    }
    if (Files.isDirectory(checkpoint) || CheckpointFile.isCheckpoint(checkpoint)) {
      Path file = CheckpointStore.resolve(checkpoint);
      TrainingCheckpoint c = CheckpointFile.read(file);
      MaeConfig model = RecipeIo.fromJson(c.recipeJson(), PretrainRecipe.class).getModel();
      try (MaskedAutoencoder mae = MaskedAutoencoder.create(model, 0)) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : c.model().entrySet()) {
          sd.put(e.getKey(), e.getValue().toTensor());
        }
        mae.loadStateDict(sd, true);
        return new EncoderWeights(model, mae.stateDict(), file + " (epoch " + c.epoch() + ")");
      }
    }
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(recipeModel, 0)) {
      MaeCheckpoint.Result r = MaeCheckpoint.load(mae, checkpoint, null, false);
      return new EncoderWeights(recipeModel, mae.stateDict(), checkpoint + " (" + r.layout() + ")");
    }
  }
}

package io.github.mae4j.torch.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mae4j.api.Json;
import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * The parts of a mae4j pretraining checkpoint that every run reads: its format name and version, whether a file is
 * one, and the trained model with the recipe it followed. Downstream runs start from these without depending on
 * pretraining; {@code train.CheckpointFile} writes and reads the whole checkpoint (optimizer, generator, positions).
 */
public final class PretrainCheckpointFile {
  /** The {@code format} field of a pretraining checkpoint. */
  public static final String FORMAT = "mae4j-checkpoint";
  /** The current version of the layout. */
  public static final int VERSION = 2;

  private static final ObjectMapper MAPPER = Json.mapper();

  /**
   * The trained model of a pretraining checkpoint.
   *
   * @param file the checkpoint file read
   * @param epoch the epoch the run would continue in (epochs finished)
   * @param recipeJson the pretraining recipe, as JSON
   * @param settingsJson the trainer settings, as JSON
   * @param model the MAE's tensors by reference name, on the Java heap
   */
  public record Weights(Path file, int epoch, String recipeJson, String settingsJson, Map<String, TensorData> model) {
    public Weights {
      model = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(model));
    }
  }

  private PretrainCheckpointFile() {}

  /**
   * Whether {@code path} is a mae4j checkpoint: a {@code torch.save} zip whose pickle names the mae4j format (only
   * the small pickle is read, no tensor data).
   */
  public static boolean isCheckpoint(Path path) {
    if (!Files.isRegularFile(path)) {
      return false;
    }
    try (ZipFile zip = new ZipFile(path.toFile())) {
      ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl")).findFirst().orElse(null);
      if (pkl == null) {
        return false;
      }
      try (InputStream in = zip.getInputStream(pkl)) {
        return new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1).contains(FORMAT);
      }
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Reads the model, epoch and recipe of a checkpoint file, or of a run directory's newest checkpoint
   * ({@link CheckpointStore#resolve(Path)}).
   *
   * @throws IOException naming the file when it is missing, unreadable, or not a mae4j checkpoint
   */
  public static Weights readWeights(Path checkpointOrRunDir) throws IOException {
    Path file = CheckpointStore.resolve(checkpointOrRunDir);
    Map<?, ?> top = VersionedFile.read(file, FORMAT, VERSION);
    try (PointerScope scope = new PointerScope()) {
      if (!(top.get("model") instanceof Map<?, ?> modelTree) || !(top.get("meta") instanceof String metaJson)) {
        throw new IOException(file + " is not a complete mae4j checkpoint: model and meta are required");
      }
      JsonNode meta = MAPPER.readTree(metaJson);
      Map<String, TensorData> model = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : modelTree.entrySet()) {
        model.put((String) e.getKey(), TensorData.of((Tensor) e.getValue()));
      }
      return new Weights(file, meta.get("epoch").asInt(), MAPPER.writeValueAsString(meta.get("recipe")),
          MAPPER.writeValueAsString(meta.get("settings")), model);
    } finally {
      TorchCheckpoint.closeTensors(top);
    }
  }
}

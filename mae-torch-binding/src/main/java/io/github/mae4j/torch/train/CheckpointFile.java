package io.github.mae4j.torch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mae4j.api.Json;
import io.github.mae4j.torch.io.pth.PyOrderedDict;
import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import io.github.mae4j.torch.run.AtomicFiles;
import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.run.PretrainCheckpointFile;
import io.github.mae4j.torch.run.TensorData;
import io.github.mae4j.torch.run.VersionedFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * The file form of a {@link TrainingCheckpoint}: a file in PyTorch's own {@code torch.save} zip format, so that
 * {@code torch.load(f, weights_only=True)} opens it and {@code ckpt['model']} loads strictly into the reference
 * MAE. Its top-level dict:
 *
 * <ul>
 *   <li>{@code format} = {@code "mae4j-checkpoint"}, {@code version} = 2;
 *   <li>{@code model}: an {@code OrderedDict} name → tensor with the reference parameter names;
 *   <li>{@code meta}: a JSON string (positions, running loss, loss scaler, recipe, settings, provenance) — a string,
 *       because PyTorch 1.13's {@code weights_only} unpickler cannot read Python floats;
 *   <li>{@code optimizer_libtorch_archive}: libtorch's serialized AdamW state (exp_avg, exp_avg_sq, step) as a uint8
 *       tensor: the presets give no access to the per-parameter state, so it is kept opaque (PyTorch can read the
 *       file, but not resume this optimizer);
 *   <li>{@code generator_state}: the masking generator's state, uint8 (PyTorch's {@code Generator.set_state} form).
 * </ul>
 */
public final class CheckpointFile {
  /** The {@code format} field. */
  public static final String FORMAT = PretrainCheckpointFile.FORMAT;
  /** The current version of the layout. */
  public static final int VERSION = PretrainCheckpointFile.VERSION;
  /** The file name extension of checkpoints. */
  public static final String EXTENSION = CheckpointStore.EXTENSION;

  private static final ObjectMapper MAPPER = Json.mapper();

  private CheckpointFile() {}

  /** Writes {@code c} to {@code out} (not closed). */
  public static void write(TrainingCheckpoint c, OutputStream out) throws IOException {
    ObjectNode meta = MAPPER.createObjectNode();
    meta.put("epoch", c.epoch());
    meta.put("batch_in_epoch", c.batchInEpoch());
    meta.put("iteration", c.iteration());
    meta.put("optimizer_steps", c.optimizerSteps());
    meta.put("epoch_loss_sum", c.epochLossSum());
    meta.put("epoch_loss_count", c.epochLossCount());
    meta.put("last_loss", Double.isNaN(c.lastLoss()) ? null : c.lastLoss());
    meta.put("loss_scale", c.lossScale());
    meta.put("loss_scale_good_steps", c.lossScaleGoodSteps());
    meta.set("recipe", MAPPER.readTree(c.recipeJson()));
    meta.set("settings", MAPPER.readTree(c.settingsJson()));
    meta.set("provenance", MAPPER.valueToTree(c.provenance()));
    try (PointerScope scope = new PointerScope()) {
      Map<String, Tensor> model = new LinkedHashMap<>();
      c.model().forEach((name, data) -> model.put(name, data.toTensor()));
      Map<String, Object> tree = new LinkedHashMap<>();
      tree.put("format", FORMAT);
      tree.put("version", (long) VERSION);
      tree.put("model", new PyOrderedDict(model));
      tree.put("meta", MAPPER.writeValueAsString(meta));
      tree.put("optimizer_libtorch_archive", blob(c.optimizer()));
      tree.put("generator_state", blob(c.generator()));
      TorchCheckpoint.write(Channels.newChannel(out), tree);
      out.flush();
    }
  }

  /** Writes {@code c} to {@code path} atomically (see {@link AtomicFiles}). */
  public static void write(TrainingCheckpoint c, Path path) throws IOException {
    AtomicFiles.write(path, out -> write(c, out));
  }

  /**
   * Reads a checkpoint.
   *
   * @throws IOException naming the file when it is missing, unreadable, or not a mae4j checkpoint
   */
  public static TrainingCheckpoint read(Path path) throws IOException {
    Map<?, ?> top = VersionedFile.read(path, FORMAT, VERSION);
    try (PointerScope scope = new PointerScope()) {
      if (!(top.get("model") instanceof Map<?, ?> modelTree) || !(top.get("meta") instanceof String metaJson)
          || !(top.get("optimizer_libtorch_archive") instanceof Tensor opt)
          || !(top.get("generator_state") instanceof Tensor gen)) {
        throw new IOException(path + " is not a complete mae4j checkpoint: model, meta, optimizer_libtorch_archive"
            + " and generator_state are required");
      }
      JsonNode meta = MAPPER.readTree(metaJson);
      Map<String, TensorData> model = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : modelTree.entrySet()) {
        model.put((String) e.getKey(), TensorData.of((Tensor) e.getValue()));
      }
      Map<String, String> provenance = new LinkedHashMap<>();
      meta.path("provenance").properties().forEach(p -> provenance.put(p.getKey(), p.getValue().asText()));
      JsonNode last = meta.path("last_loss");
      return new TrainingCheckpoint(
          meta.get("epoch").asInt(),
          meta.get("batch_in_epoch").asLong(),
          meta.get("iteration").asLong(),
          meta.get("optimizer_steps").asLong(),
          meta.get("epoch_loss_sum").asDouble(),
          meta.get("epoch_loss_count").asLong(),
          last.isNumber() ? last.asDouble() : Double.NaN,
          model,
          TensorData.of(opt).bytes(),
          TensorData.of(gen).bytes(),
          meta.path("loss_scale").asDouble(1),
          meta.path("loss_scale_good_steps").asLong(0),
          MAPPER.writeValueAsString(meta.get("recipe")),
          MAPPER.writeValueAsString(meta.get("settings")),
          provenance);
    } finally {
      TorchCheckpoint.closeTensors(top);
    }
  }

  /**
   * Whether {@code path} is a mae4j checkpoint: a {@code torch.save} zip whose pickle names the mae4j format (only
   * the small pickle is read, no tensor data). See {@link PretrainCheckpointFile#isCheckpoint(Path)}.
   */
  public static boolean isCheckpoint(Path path) {
    return PretrainCheckpointFile.isCheckpoint(path);
  }

  private static Tensor blob(byte[] bytes) {
    return new TensorData("Byte", new long[] {bytes.length}, bytes).toTensor();
  }
}

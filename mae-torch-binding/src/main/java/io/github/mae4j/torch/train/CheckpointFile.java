package io.github.mae4j.torch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mae4j.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The file form of a {@link TrainingCheckpoint}: a zip archive holding {@code mae4j-checkpoint.json} (positions,
 * recipe, settings, provenance, and the dtype and shape of every model tensor), one {@code model/<name>} entry of
 * raw little-endian values per model tensor, {@code optimizer.archive} (libtorch archive bytes) and
 * {@code generator.state}. The model entries can be read without mae4j (any zip reader plus numpy).
 */
public final class CheckpointFile {
  /** The {@code format} field of the metadata. */
  public static final String FORMAT = "mae4j-checkpoint";
  /** The current version of the layout. */
  public static final int VERSION = 1;
  /** The file name extension of checkpoints. */
  public static final String EXTENSION = ".ckpt";

  private static final String META = "mae4j-checkpoint.json";
  private static final String OPTIMIZER = "optimizer.archive";
  private static final String GENERATOR = "generator.state";
  private static final String MODEL_PREFIX = "model/";
  private static final ObjectMapper MAPPER = Json.mapper();

  private CheckpointFile() {}

  /** Writes {@code c} to {@code out} (not closed). */
  public static void write(TrainingCheckpoint c, OutputStream out) throws IOException {
    ObjectNode meta = MAPPER.createObjectNode();
    meta.put("format", FORMAT);
    meta.put("version", VERSION);
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
    ObjectNode tensors = meta.putObject("model");
    for (Map.Entry<String, TensorData> e : c.model().entrySet()) {
      ObjectNode t = tensors.putObject(e.getKey());
      t.put("dtype", e.getValue().dtype());
      t.set("shape", MAPPER.valueToTree(e.getValue().shape()));
    }
    ZipOutputStream zip = new ZipOutputStream(out);
    zip.setLevel(1);
    put(zip, META, MAPPER.writeValueAsBytes(meta));
    for (Map.Entry<String, TensorData> e : c.model().entrySet()) {
      put(zip, MODEL_PREFIX + e.getKey(), e.getValue().bytes());
    }
    put(zip, OPTIMIZER, c.optimizer());
    put(zip, GENERATOR, c.generator());
    zip.finish();
    zip.flush();
  }

  /** Writes {@code c} to {@code path} atomically (see {@link AtomicFiles}). */
  public static void write(TrainingCheckpoint c, Path path) throws IOException {
    AtomicFiles.write(path, out -> write(c, out));
  }

  /**
   * Reads a checkpoint.
   *
   * @throws IOException naming the file when it is missing, not a zip, or not a mae4j checkpoint
   */
  public static TrainingCheckpoint read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IOException("no checkpoint file at " + path);
    }
    try (ZipFile zip = new ZipFile(path.toFile())) {
      JsonNode meta = MAPPER.readTree(bytes(zip, META, path));
      if (!FORMAT.equals(meta.path("format").asText()) || meta.path("version").asInt() != VERSION) {
        throw new IOException(path + " is not a " + FORMAT + " version " + VERSION + " file (format "
            + meta.path("format").asText("?") + ", version " + meta.path("version").asText("?") + ")");
      }
      Map<String, TensorData> model = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : meta.get("model").properties()) {
        long[] shape = MAPPER.treeToValue(e.getValue().get("shape"), long[].class);
        model.put(e.getKey(), new TensorData(e.getValue().get("dtype").asText(), shape,
            bytes(zip, MODEL_PREFIX + e.getKey(), path)));
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
          bytes(zip, OPTIMIZER, path),
          bytes(zip, GENERATOR, path),
          meta.path("loss_scale").asDouble(1),
          meta.path("loss_scale_good_steps").asLong(0),
          MAPPER.writeValueAsString(meta.get("recipe")),
          MAPPER.writeValueAsString(meta.get("settings")),
          provenance);
    } catch (ZipException e) {
      throw new IOException(path + " is not a mae4j checkpoint (not a complete zip archive: " + e.getMessage()
          + ")", e);
    }
  }

  /** Whether {@code path} looks like a mae4j checkpoint (a zip with the metadata entry). */
  public static boolean isCheckpoint(Path path) {
    try (ZipFile zip = new ZipFile(path.toFile())) {
      return zip.getEntry(META) != null;
    } catch (IOException e) {
      return false;
    }
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  private static byte[] bytes(ZipFile zip, String name, Path path) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw new IOException(path + " is not a complete mae4j checkpoint: entry '" + name + "' is missing");
    }
    try (InputStream in = zip.getInputStream(e)) {
      return in.readAllBytes();
    }
  }

}

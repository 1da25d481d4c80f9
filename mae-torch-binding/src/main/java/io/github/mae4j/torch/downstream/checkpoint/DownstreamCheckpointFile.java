package io.github.mae4j.torch.downstream.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mae4j.api.Json;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.io.pth.PyOrderedDict;
import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import io.github.mae4j.torch.run.AtomicFiles;
import io.github.mae4j.torch.run.TensorData;
import io.github.mae4j.torch.run.VersionedFile;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * The file form of a {@link DownstreamCheckpoint}, in PyTorch's {@code torch.save} zip format (written with
 * {@link TorchCheckpoint}, replaced atomically with {@link AtomicFiles}). Its top-level dict: {@code format} =
 * {@code "mae4j-downstream-checkpoint"}, {@code version} = 1, {@code kind}, {@code model} (an {@code OrderedDict}
 * of the classifier's or probe's tensors, so {@code torch.load(f)['model']} is a state dict), {@code extra} (EMA
 * weights or LARS momentum by name), {@code optimizer_libtorch_archive} (uint8, AdamW only) and {@code meta} (a
 * JSON string: epochs done, recipe, identity, settings, per-epoch statistics, trainable names, provenance).
 */
public final class DownstreamCheckpointFile {
  /** The {@code format} field. */
  public static final String FORMAT = "mae4j-downstream-checkpoint";
  /** The current version of the layout. */
  public static final int VERSION = 1;

  private static final ObjectMapper MAPPER = Json.mapper();

  private DownstreamCheckpointFile() {}

  /** Writes {@code c} to {@code path} atomically: a failure leaves the previous file as it was. */
  public static void write(DownstreamCheckpoint c, Path path) throws IOException {
    ObjectNode meta = MAPPER.createObjectNode();
    meta.put("epochs_done", c.epochsDone());
    meta.set("recipe", MAPPER.readTree(c.recipeJson()));
    meta.set("identity", MAPPER.valueToTree(c.identity()));
    meta.set("settings", MAPPER.valueToTree(c.settings()));
    ArrayNode stats = meta.putArray("stats");
    for (EpochStats e : c.stats()) {
      ObjectNode o = stats.addObject();
      o.put("epoch", e.epoch());
      o.put("train_loss", e.trainLoss());
      o.put("lr", e.learningRate());
      o.put("seconds", e.seconds());
      o.put("test_top1", Double.isNaN(e.testTop1()) ? null : e.testTop1());
    }
    meta.set("trainable", MAPPER.valueToTree(c.trainable()));
    meta.set("provenance", MAPPER.valueToTree(c.provenance()));
    AtomicFiles.write(path, out -> {
      try (PointerScope scope = new PointerScope()) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("format", FORMAT);
        tree.put("version", (long) VERSION);
        tree.put("kind", c.kind());
        tree.put("model", tensors(c.model()));
        tree.put("extra", tensors(c.extra()));
        if (c.optimizer().length > 0) {
          tree.put("optimizer_libtorch_archive",
              new TensorData("Byte", new long[] {c.optimizer().length}, c.optimizer()).toTensor());
        }
        tree.put("meta", MAPPER.writeValueAsString(meta));
        TorchCheckpoint.write(Channels.newChannel(out), tree);
        out.flush();
      }
    });
  }

  /**
   * Reads a checkpoint.
   *
   * @throws IOException naming the file when it is missing, unreadable, truncated or not a downstream checkpoint
   */
  public static DownstreamCheckpoint read(Path path) throws IOException {
    Map<?, ?> top = VersionedFile.read(path, FORMAT, VERSION);
    try (PointerScope scope = new PointerScope()) {
      if (!(top.get("kind") instanceof String kind) || !(top.get("model") instanceof Map<?, ?> model)
          || !(top.get("extra") instanceof Map<?, ?> extra) || !(top.get("meta") instanceof String metaJson)) {
        throw new IOException(path + " is not a complete " + FORMAT + ": kind, model, extra and meta are required");
      }
      byte[] optimizer = top.get("optimizer_libtorch_archive") instanceof Tensor t ? TensorData.of(t).bytes()
          : new byte[0];
      JsonNode meta = MAPPER.readTree(metaJson);
      List<EpochStats> stats = new ArrayList<>();
      for (JsonNode e : meta.path("stats")) {
        JsonNode top1 = e.path("test_top1");
        stats.add(new EpochStats(e.path("epoch").asInt(), e.path("train_loss").asDouble(), e.path("lr").asDouble(),
            e.path("seconds").asDouble(), top1.isNumber() ? top1.asDouble() : Double.NaN));
      }
      List<String> trainable = new ArrayList<>();
      meta.path("trainable").forEach(n -> trainable.add(n.asText()));
      JsonNode recipe = meta.get("recipe");
      if (recipe == null || !meta.path("epochs_done").isInt()) {
        throw new IOException(path + " has no recipe or epochs_done in its meta");
      }
      return new DownstreamCheckpoint(kind, meta.path("epochs_done").asInt(), MAPPER.writeValueAsString(recipe),
          strings(meta.path("identity")), strings(meta.path("settings")), stats, trainable, heap(model),
          optimizer, heap(extra), strings(meta.path("provenance")));
    } finally {
      TorchCheckpoint.closeTensors(top);
    }
  }

  private static PyOrderedDict tensors(Map<String, TensorData> m) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v.toTensor()));
    return new PyOrderedDict(out);
  }

  private static Map<String, TensorData> heap(Map<?, ?> tree) throws IOException {
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof Tensor t)) {
        throw new IOException("checkpoint entry " + e.getKey() + " is not a named tensor");
      }
      out.put(k, TensorData.of(t));
    }
    return out;
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    node.properties().forEach(p -> out.put(p.getKey(), p.getValue().asText()));
    return out;
  }
}

package io.github.mae4j.torch.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mae4j.api.MaeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code config.json} of a Hugging Face {@code ViTMAEForPreTraining}: the fields that fix its network, read
 * into and written from a {@link MaeConfig}. HF's LayerNorm eps defaults to 1e-12 (and facebook/vit-mae-*'s
 * configs say so) where the official MAE uses 1e-6: the value travels with the weights, both ways.
 *
 * <p>HF's {@code ViTMAEConfig} takes {@code image_size} and {@code patch_size} as an int (square) or a
 * {@code [height, width]} pair. Both forms are read; a non-square model is written with the pair
 * {@code image_size: [H, W]} (and an int {@code patch_size}, mae4j's patches being square). HF's own ViTMAE builds
 * its fixed sin-cos table for a square grid ({@code int(num_patches ** 0.5)}) and its {@code patchify} asks for
 * square pixel values, so transformers may refuse to run such a model even though its configuration and weights
 * are laid out as it expects; mae4j reads them back bit-exact.
 *
 * @param hiddenSize encoder width ({@code hidden_size})
 * @param numHiddenLayers encoder depth
 * @param numAttentionHeads encoder heads
 * @param intermediateSize encoder MLP width
 * @param decoderHiddenSize decoder width
 * @param decoderNumHiddenLayers decoder depth
 * @param decoderNumAttentionHeads decoder heads
 * @param decoderIntermediateSize decoder MLP width
 * @param imageSize image height in pixels (the side of a square image)
 * @param imageWidth image width in pixels (equal to {@code imageSize} for square images)
 * @param patchSize patch side in pixels
 * @param numChannels image channels
 * @param maskRatio fraction of patches removed
 * @param normPixLoss whether the loss target is per-patch normalized pixels
 * @param layerNormEps epsilon of every LayerNorm
 */
public record HfConfig(int hiddenSize, int numHiddenLayers, int numAttentionHeads, int intermediateSize,
    int decoderHiddenSize, int decoderNumHiddenLayers, int decoderNumAttentionHeads, int decoderIntermediateSize,
    int imageSize, int imageWidth, int patchSize, int numChannels, double maskRatio, boolean normPixLoss,
    double layerNormEps) {
  /** The file name inside an HF model directory. */
  public static final String FILE = "config.json";
  /** HF's {@code model_type} for ViTMAE. */
  public static final String MODEL_TYPE = "vit_mae";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The HF configuration of a mae4j model. */
  public static HfConfig of(MaeConfig c) {
    return new HfConfig(c.getEncoder().getEmbedDim(), c.getEncoder().getDepth(), c.getEncoder().getNumHeads(),
        c.getEncoder().getMlpHiddenDim(), c.getDecoder().getEmbedDim(), c.getDecoder().getDepth(),
        c.getDecoder().getNumHeads(), c.getDecoder().getMlpHiddenDim(), c.getImageSize(), c.getImageWidth(),
        c.getPatchSize(), c.getInChannels(), c.getMaskRatio(), c.isNormPixLoss(), c.getLayerNormEps());
  }

  /** The mae4j model this configuration describes (everything else at mae4j's defaults). */
  public MaeConfig toMaeConfig() {
    MaeConfig.Builder b = MaeConfig.builder();
    if (imageWidth != imageSize) {
      b.imageWidth(imageWidth);
    }
    return b.imageSize(imageSize).patchSize(patchSize).inChannels(numChannels)
        .encoder(e -> e.embedDim(hiddenSize).depth(numHiddenLayers).numHeads(numAttentionHeads)
            .mlpRatio((double) intermediateSize / hiddenSize))
        .decoder(d -> d.embedDim(decoderHiddenSize).depth(decoderNumHiddenLayers).numHeads(decoderNumAttentionHeads)
            .mlpRatio((double) decoderIntermediateSize / decoderHiddenSize))
        .maskRatio(maskRatio).normPixLoss(normPixLoss).layerNormEps(layerNormEps)
        .build();
  }

  /**
   * {@code base} with this configuration's network (widths, depths, heads, MLP widths, patch size, LayerNorm eps):
   * the image size, channels and training settings stay {@code base}'s, for the weights to be fitted to them.
   */
  public MaeConfig applyTo(MaeConfig base) {
    MaeConfig net = toMaeConfig();
    return base.toBuilder().patchSize(patchSize).encoder(net.getEncoder()).decoder(net.getDecoder())
        .layerNormEps(layerNormEps).build();
  }

  /**
   * Reads {@code config.json} (the file, or a directory holding it).
   *
   * @throws IllegalArgumentException when it is not a ViTMAE configuration mae4j can compute: another
   *     {@code model_type}, an activation other than exact {@code gelu}, {@code qkv_bias} false, a missing field,
   *     or a {@code patch_size} pair of two different sides
   */
  public static HfConfig read(Path fileOrDirectory) throws IOException {
    Path file = Files.isDirectory(fileOrDirectory) ? fileOrDirectory.resolve(FILE) : fileOrDirectory;
    JsonNode n = JSON.readTree(file.toFile());
    List<String> problems = new ArrayList<>();
    if (!MODEL_TYPE.equals(n.path("model_type").asText())) {
      problems.add("model_type is '" + n.path("model_type").asText() + "', not '" + MODEL_TYPE + "'");
    }
    if (!n.path("hidden_act").asText("gelu").equals("gelu")) {
      problems.add("hidden_act is '" + n.path("hidden_act").asText() + "', mae4j computes only exact 'gelu'");
    }
    if (!n.path("qkv_bias").asBoolean(true)) {
      problems.add("qkv_bias is false, mae4j's attention has a qkv bias");
    }
    for (String f : List.of("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size")) {
      if (!n.path(f).canConvertToInt()) {
        problems.add("field " + f + " is missing or not an integer");
      }
    }
    int[] image = sides(n, "image_size", problems);
    int[] patch = sides(n, "patch_size", problems);
    if (patch != null && patch[0] != patch[1]) {
      problems.add("patch_size is [" + patch[0] + ", " + patch[1] + "], mae4j's patches are square");
    }
    if (!problems.isEmpty() || image == null || patch == null) {
      throw new IllegalArgumentException(file + " is not a ViTMAE configuration mae4j can load: "
          + String.join("; ", problems));
    }
    return new HfConfig(n.get("hidden_size").asInt(), n.get("num_hidden_layers").asInt(),
        n.get("num_attention_heads").asInt(), n.get("intermediate_size").asInt(),
        n.path("decoder_hidden_size").asInt(512), n.path("decoder_num_hidden_layers").asInt(8),
        n.path("decoder_num_attention_heads").asInt(16), n.path("decoder_intermediate_size").asInt(2048),
        image[0], image[1], patch[0], n.path("num_channels").asInt(3),
        n.path("mask_ratio").asDouble(0.75), n.path("norm_pix_loss").asBoolean(false),
        n.path("layer_norm_eps").asDouble(1e-12));
  }

  /** {@code [height, width]} of a field that is an int or a two-int pair, or null with a problem added. */
  private static int @Nullable [] sides(JsonNode n, String field, List<String> problems) {
    JsonNode v = n.path(field);
    if (v.canConvertToInt()) {
      return new int[] {v.asInt(), v.asInt()};
    }
    if (v.isArray() && v.size() == 2 && v.get(0).canConvertToInt() && v.get(1).canConvertToInt()) {
      return new int[] {v.get(0).asInt(), v.get(1).asInt()};
    }
    problems.add("field " + field + " is missing or neither an integer nor an [height, width] pair");
    return null;
  }

  /**
   * Writes {@code config.json} as {@code from_pretrained} reads it (keys sorted, as HF writes them);
   * {@code image_size} is an int for square images and {@code [height, width]} otherwise.
   */
  public void write(Path file) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("architectures").add("ViTMAEForPreTraining");
    n.put("attention_probs_dropout_prob", 0.0);
    n.put("decoder_hidden_size", decoderHiddenSize);
    n.put("decoder_intermediate_size", decoderIntermediateSize);
    n.put("decoder_num_attention_heads", decoderNumAttentionHeads);
    n.put("decoder_num_hidden_layers", decoderNumHiddenLayers);
    n.put("hidden_act", "gelu");
    n.put("hidden_dropout_prob", 0.0);
    n.put("hidden_size", hiddenSize);
    if (imageWidth == imageSize) {
      n.put("image_size", imageSize);
    } else {
      n.putArray("image_size").add(imageSize).add(imageWidth);
    }
    n.put("initializer_range", 0.02);
    n.put("intermediate_size", intermediateSize);
    n.put("layer_norm_eps", layerNormEps);
    n.put("mask_ratio", maskRatio);
    n.put("model_type", MODEL_TYPE);
    n.put("norm_pix_loss", normPixLoss);
    n.put("num_attention_heads", numAttentionHeads);
    n.put("num_channels", numChannels);
    n.put("num_hidden_layers", numHiddenLayers);
    n.put("patch_size", patchSize);
    n.put("qkv_bias", true);
    n.put("torch_dtype", "float32");
    Files.writeString(file, JSON.writeValueAsString(n) + "\n");
  }
}

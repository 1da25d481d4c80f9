package io.github.mae4j.torch.weights;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * The name tables, one per layout, and the two directions through them: a checkpoint's tensors to official names
 * ({@link #toOfficial}) and official tensors to a layout's names ({@link #fromOfficial}). The tables are the only
 * place a layout's names are written; both directions read them.
 *
 * <p>Hugging Face's {@code ViTMAEModel} (the encoder alone) names its tensors without the {@code vit.} prefix
 * ({@code embeddings.cls_token}); reading adds it. HF's image classifier head ({@code classifier.*}) is read as
 * {@code head.*}, which a masked autoencoder reports as ignored.
 */
public final class NameMapping {
  /** A ViT block, official suffix → HF suffix, after {@code blocks.{i}.} / {@code vit.encoder.layer.{i}.}. */
  private static final List<NameRule> HF_BLOCK = List.of(
      NameRule.rename("norm1.weight", "layernorm_before.weight"),
      NameRule.rename("norm1.bias", "layernorm_before.bias"),
      NameRule.rows("attn.qkv.weight", "attention.attention.query.weight", "attention.attention.key.weight",
          "attention.attention.value.weight"),
      NameRule.rows("attn.qkv.bias", "attention.attention.query.bias", "attention.attention.key.bias",
          "attention.attention.value.bias"),
      NameRule.rename("attn.proj.weight", "attention.output.dense.weight"),
      NameRule.rename("attn.proj.bias", "attention.output.dense.bias"),
      NameRule.rename("norm2.weight", "layernorm_after.weight"),
      NameRule.rename("norm2.bias", "layernorm_after.bias"),
      NameRule.rename("mlp.fc1.weight", "intermediate.dense.weight"),
      NameRule.rename("mlp.fc1.bias", "intermediate.dense.bias"),
      NameRule.rename("mlp.fc2.weight", "output.dense.weight"),
      NameRule.rename("mlp.fc2.bias", "output.dense.bias"));

  /** Official ↔ Hugging Face {@code ViTMAEForPreTraining}. */
  static final List<NameRule> HF = hfTable();

  private NameMapping() {}

  private static List<NameRule> hfTable() {
    List<NameRule> t = new ArrayList<>();
    t.add(NameRule.rename("cls_token", "vit.embeddings.cls_token"));
    t.add(NameRule.rename("pos_embed", "vit.embeddings.position_embeddings"));
    t.add(NameRule.rename("patch_embed.proj.weight", "vit.embeddings.patch_embeddings.projection.weight"));
    t.add(NameRule.rename("patch_embed.proj.bias", "vit.embeddings.patch_embeddings.projection.bias"));
    block(t, "blocks.{i}.", "vit.encoder.layer.{i}.");
    t.add(NameRule.rename("norm.weight", "vit.layernorm.weight"));
    t.add(NameRule.rename("norm.bias", "vit.layernorm.bias"));
    t.add(NameRule.rename("decoder_embed.weight", "decoder.decoder_embed.weight"));
    t.add(NameRule.rename("decoder_embed.bias", "decoder.decoder_embed.bias"));
    t.add(NameRule.rename("mask_token", "decoder.mask_token"));
    t.add(NameRule.rename("decoder_pos_embed", "decoder.decoder_pos_embed"));
    block(t, "decoder_blocks.{i}.", "decoder.decoder_layers.{i}.");
    for (String n : List.of("decoder_norm", "decoder_pred")) {
      t.add(NameRule.rename(n + ".weight", "decoder." + n + ".weight"));
      t.add(NameRule.rename(n + ".bias", "decoder." + n + ".bias"));
    }
    t.add(NameRule.rename("head.weight", "classifier.weight"));
    t.add(NameRule.rename("head.bias", "classifier.bias"));
    return List.copyOf(t);
  }

  private static void block(List<NameRule> t, String official, String hf) {
    for (NameRule r : HF_BLOCK) {
      List<String> ext = r.external().stream().map(e -> hf + e).toList();
      t.add(new NameRule(official + r.official(), ext));
    }
  }

  /** The table of {@code layout}: empty for the layouts that use the official names. */
  public static List<NameRule> table(WeightLayout layout) {
    return layout == WeightLayout.HF ? HF : List.of();
  }

  /**
   * A checkpoint's tensors under official names. Split tensors are concatenated (a new tensor); renamed ones are
   * the same handles. A name the table does not know keeps its own name, so that loading reports it as unexpected
   * by the name the file gives it; a split tensor with a part missing is left out (reported as missing) and its
   * parts kept under their own names.
   */
  public static Map<String, Tensor> toOfficial(WeightLayout layout, Map<String, Tensor> tensors) {
    List<NameRule> table = table(layout);
    if (table.isEmpty()) {
      return new LinkedHashMap<>(tensors);
    }
    Map<String, Tensor> in = new LinkedHashMap<>();
    tensors.forEach((k, v) -> in.put(layout == WeightLayout.HF && isHfEncoderOnly(k) ? "vit." + k : k, v));
    Map<String, Tensor> out = new LinkedHashMap<>();
    Map<String, String> original = new LinkedHashMap<>();
    tensors.keySet().forEach(k -> original.put(layout == WeightLayout.HF && isHfEncoderOnly(k) ? "vit." + k : k, k));
    Set<String> used = new HashSet<>();
    for (String name : in.keySet()) {
      if (used.contains(name)) {
        continue;
      }
      Placed placed = place(table, name);
      if (placed == null) {
        out.put(original.get(name), in.get(name));
        continue;
      }
      List<String> parts = placed.rule.external().stream().map(p -> NameRule.fill(p, placed.index)).toList();
      if (!parts.stream().allMatch(in::containsKey)) {
        continue; // the parts stay below, under their own names
      }
      used.addAll(parts);
      String official = NameRule.fill(placed.rule.official(), placed.index);
      if (placed.rule.isSplit()) {
        TensorVector v = new TensorVector();
        parts.forEach(p -> v.push_back(in.get(p)));
        out.put(official, torch.cat(v, 0));
      } else {
        out.put(official, in.get(name));
      }
    }
    in.keySet().stream().filter(n -> !used.contains(n) && !out.containsKey(original.get(n)))
        .forEach(n -> out.put(original.get(n), in.get(n)));
    return out;
  }

  /**
   * Official tensors under {@code layout}'s names, in the order given. Split tensors become row blocks (views of
   * the official tensor); names the layout has no place for throw an {@link IllegalArgumentException} naming them
   * (a timm file has no decoder: drop it before, see {@link WeightFiles#write}).
   */
  public static Map<String, Tensor> fromOfficial(WeightLayout layout, Map<String, Tensor> official) {
    List<NameRule> table = table(layout);
    if (table.isEmpty()) {
      return new LinkedHashMap<>(official);
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    List<String> homeless = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : official.entrySet()) {
      Placed placed = null;
      for (NameRule r : table) {
        String index = NameRule.match(r.official(), e.getKey());
        if (index != null) {
          placed = new Placed(r, index);
          break;
        }
      }
      if (placed == null) {
        homeless.add(e.getKey());
        continue;
      }
      List<String> parts = placed.rule.external();
      long rows = e.getValue().size(0);
      if (rows % parts.size() != 0) {
        throw new IllegalArgumentException(e.getKey() + " has " + rows + " rows, not divisible into " + parts);
      }
      long block = rows / parts.size();
      for (int i = 0; i < parts.size(); i++) {
        Tensor t = parts.size() == 1 ? e.getValue() : e.getValue().narrow(0, i * block, block);
        out.put(NameRule.fill(parts.get(i), placed.index), t);
      }
    }
    if (!homeless.isEmpty()) {
      throw new IllegalArgumentException("the " + layout + " layout has no name for " + homeless);
    }
    return out;
  }

  private record Placed(NameRule rule, String index) {}

  private static @Nullable Placed place(List<NameRule> table, String external) {
    for (NameRule r : table) {
      for (String part : r.external()) {
        String index = NameRule.match(part, external);
        if (index != null) {
          return new Placed(r, index);
        }
      }
    }
    return null;
  }

  private static boolean isHfEncoderOnly(String name) {
    return name.startsWith("embeddings.") || name.startsWith("encoder.layer.") || name.startsWith("layernorm.");
  }
}

package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.TensorData;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MaskedAutoencoderTest {
  static final MaeConfig CONFIG = MaeConfig.builder()
      .imageSize(16)
      .patchSize(4)
      .encoder(e -> e.embedDim(32).depth(2).numHeads(4))
      .decoder(d -> d.embedDim(16).depth(1).numHeads(2))
      .build();
  static MaskedAutoencoder model;

  @BeforeAll
  static void build() {
    Torch.load();
    model = MaskedAutoencoder.create(CONFIG, 7);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static Tensor images(int n, long seed) {
    return torch.rand(new long[] {n, 3, 16, 16}, new GeneratorOptional(torch.createCPUGenerator(seed)));
  }

  @Test
  void forward_tinyModel_shapesAndMaskCounts() {
    try (PointerScope scope = new PointerScope()) {
      MaeOutput out = model.forward(images(2, 1), 3L);
      assertThat(StateShapes.of(out.pred())).containsExactly(2, 16, 48);
      assertThat(StateShapes.of(out.mask())).containsExactly(2, 16);
      assertThat(StateShapes.of(out.idsRestore())).containsExactly(2, 16);
      float[] mask = TensorData.toFloatArray(out.mask());
      float removed = 0;
      for (float m : mask) {
        assertThat(m).isIn(0f, 1f);
        removed += m;
      }
      assertThat(removed).isEqualTo(2 * 12f); // 16 − ⌊16·0.25⌋ = 12 per image
      assertThat(out.loss().item_float()).isPositive().isFinite();
    }
  }

  @Test
  void forward_sameSeed_sameMaskAndLoss() {
    try (PointerScope scope = new PointerScope()) {
      Tensor x = images(2, 1);
      MaeOutput a = model.forward(x, 5L);
      MaeOutput b = model.forward(x, 5L);
      MaeOutput c = model.forward(x, 6L);
      assertThat(TensorData.toFloatArray(a.mask())).containsExactly(TensorData.toFloatArray(b.mask()));
      assertThat(a.loss().item_float()).isEqualTo(b.loss().item_float());
      assertThat(TensorData.toFloatArray(a.mask())).isNotEqualTo(TensorData.toFloatArray(c.mask()));
    }
  }

  @Test
  void forward_idsRestore_isInverseOfArgsortNoise() {
    try (PointerScope scope = new PointerScope()) {
      float[] noise = new float[16];
      for (int i = 0; i < 16; i++) {
        noise[i] = (i * 7 % 16) / 16f; // a permutation of k/16
      }
      MaeOutput out = model.forward(images(1, 2), TensorData.fromFloats(noise, 1, 16));
      long[] restore = TensorData.toLongArray(out.idsRestore());
      float[] mask = TensorData.toFloatArray(out.mask());
      for (int i = 0; i < 16; i++) {
        // rank of patch i in the shuffle is its noise·16; the 4 lowest are kept
        assertThat(restore[i]).isEqualTo((long) (noise[i] * 16));
        assertThat(mask[i]).isEqualTo(noise[i] * 16 < 4 ? 0f : 1f);
      }
    }
  }

  @Test
  void backward_tinyModel_everyTrainableParameterGetsAGradient() {
    try (PointerScope scope = new PointerScope()) {
      MaeOutput out = model.forward(images(2, 1), 3L);
      out.loss().backward();
      ParameterGroups groups = model.parameterGroups();
      for (List<NamedParameter> list : List.of(groups.decay(), groups.noDecay())) {
        for (NamedParameter p : list) {
          assertThat(p.tensor().grad().defined()).as(p.name()).isTrue();
          assertThat(p.tensor().grad().abs().sum().item_float()).as(p.name()).isPositive();
        }
      }
      model.module().zero_grad(true);
    }
  }

  @Test
  void stateDict_names_matchReference() {
    Map<String, Tensor> sd = model.stateDict();
    assertThat(sd.keySet()).startsWith("cls_token", "pos_embed", "mask_token", "decoder_pos_embed",
        "patch_embed.proj.weight", "patch_embed.proj.bias", "blocks.0.norm1.weight", "blocks.0.norm1.bias",
        "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias", "blocks.0.attn.proj.weight",
        "blocks.0.attn.proj.bias", "blocks.0.norm2.weight", "blocks.0.norm2.bias", "blocks.0.mlp.fc1.weight",
        "blocks.0.mlp.fc1.bias", "blocks.0.mlp.fc2.weight", "blocks.0.mlp.fc2.bias");
    assertThat(sd.keySet()).contains("norm.weight", "decoder_embed.weight", "decoder_blocks.0.attn.qkv.bias",
        "decoder_norm.bias", "decoder_pred.weight", "decoder_pred.bias");
    assertThat(sd).hasSize(4 + 2 + 2 * 12 + 2 + 2 + 12 + 2 + 2);
    assertThat(StateShapes.of(sd.get("pos_embed"))).containsExactly(1, 17, 32);
    assertThat(StateShapes.of(sd.get("mask_token"))).containsExactly(1, 1, 16);
    assertThat(sd.get("pos_embed").requires_grad()).isFalse();
  }

  @Test
  void parameterCount_tinyModel_equalsConfigFormula() {
    assertThat(model.parameterCount()).isEqualTo(CONFIG.getParameterCount());
  }

  @Test
  void parameterGroups_tinyModel_exemptsBiasesNormsAndTokens() {
    ParameterGroups g = model.parameterGroups();
    List<String> noDecay = g.noDecay().stream().map(NamedParameter::name).toList();
    List<String> decay = g.decay().stream().map(NamedParameter::name).toList();
    assertThat(noDecay).contains("cls_token", "mask_token", "blocks.0.norm1.weight", "blocks.1.attn.qkv.bias",
        "patch_embed.proj.bias", "decoder_norm.weight");
    assertThat(decay).contains("patch_embed.proj.weight", "blocks.0.attn.qkv.weight", "decoder_pred.weight");
    assertThat(decay).allMatch(n -> n.endsWith(".weight"));
    assertThat(noDecay).doesNotContain("pos_embed", "decoder_pos_embed");
    assertThat(decay).doesNotContain("pos_embed", "decoder_pos_embed");
  }

  @Test
  void layerId_names_followReferenceRule() {
    assertThat(model.numLayers()).isEqualTo(3);
    assertThat(model.layerId("cls_token")).isZero();
    assertThat(model.layerId("pos_embed")).isZero();
    assertThat(model.layerId("patch_embed.proj.weight")).isZero();
    assertThat(model.layerId("blocks.0.attn.qkv.weight")).isEqualTo(1);
    assertThat(model.layerId("blocks.1.mlp.fc2.bias")).isEqualTo(2);
    assertThat(model.layerId("norm.weight")).isEqualTo(3);
    assertThat(model.layerId("mask_token")).isEqualTo(3);
    assertThat(model.layerId("decoder_blocks.0.norm1.weight")).isEqualTo(3);
  }

  @Test
  void initialization_sameSeed_sameWeights_andXavierBound() {
    try (MaskedAutoencoder a = MaskedAutoencoder.create(CONFIG, 11);
        MaskedAutoencoder b = MaskedAutoencoder.create(CONFIG, 11);
        PointerScope scope = new PointerScope()) {
      for (String name : a.stateDict().keySet()) {
        assertThat(TensorData.toFloatArray(a.stateDict().get(name)))
            .as(name)
            .containsExactly(TensorData.toFloatArray(b.stateDict().get(name)));
      }
      float[] qkv = TensorData.toFloatArray(a.stateDict().get("blocks.0.attn.qkv.weight"));
      double bound = Math.sqrt(6.0 / (32 + 96));
      double sq = 0;
      for (float v : qkv) {
        assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
        sq += v * v;
      }
      assertThat(Math.sqrt(sq / qkv.length)).isCloseTo(bound / Math.sqrt(3), within(bound * 0.05));
      assertThat(TensorData.toFloatArray(a.stateDict().get("blocks.0.attn.qkv.bias"))).containsOnly(0f);
      assertThat(TensorData.toFloatArray(a.stateDict().get("norm.weight"))).containsOnly(1f);
      float[] pos = TensorData.toFloatArray(a.stateDict().get("pos_embed"));
      assertThat(pos).startsWith(new float[32]);
    }
  }

  @Test
  void close_twice_isHarmless_andUseAfterCloseThrows() {
    MaskedAutoencoder m = MaskedAutoencoder.create(CONFIG, 1);
    m.close();
    m.close();
    assertThatThrownBy(m::stateDict).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}

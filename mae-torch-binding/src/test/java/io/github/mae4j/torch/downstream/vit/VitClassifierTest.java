package io.github.mae4j.torch.downstream.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class VitClassifierTest {
  static MaeConfig tiny(int imageSize) {
    return MaeConfig.builder().imageSize(imageSize).patchSize(4).inChannels(1)
        .encoder(e -> e.embedDim(16).depth(2).numHeads(2)).decoder(d -> d.embedDim(8).depth(1).numHeads(2)).build();
  }

  @Test
  void namedParameters_averagePooling_areReferenceNames() {
    try (VitClassifier m = new VitClassifier(tiny(8), 3, Pooling.AVERAGE, 0.1, 0)) {
      assertThat(m.namedParameters().keySet()).containsExactly(
          "cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias",
          "blocks.0.norm1.weight", "blocks.0.norm1.bias", "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias",
          "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias", "blocks.0.norm2.weight", "blocks.0.norm2.bias",
          "blocks.0.mlp.fc1.weight", "blocks.0.mlp.fc1.bias", "blocks.0.mlp.fc2.weight", "blocks.0.mlp.fc2.bias",
          "blocks.1.norm1.weight", "blocks.1.norm1.bias", "blocks.1.attn.qkv.weight", "blocks.1.attn.qkv.bias",
          "blocks.1.attn.proj.weight", "blocks.1.attn.proj.bias", "blocks.1.norm2.weight", "blocks.1.norm2.bias",
          "blocks.1.mlp.fc1.weight", "blocks.1.mlp.fc1.bias", "blocks.1.mlp.fc2.weight", "blocks.1.mlp.fc2.bias",
          "fc_norm.weight", "fc_norm.bias", "head.weight", "head.bias");
      assertThat(m.namedParameters().get("pos_embed").shape()).containsExactly(1, 5, 16);
    }
  }

  @Test
  void constructor_init_headIsSmallAndPosEmbedIsSinCos() {
    try (VitClassifier m = new VitClassifier(tiny(8), 3, Pooling.CLS_TOKEN, 0, 0)) {
      float[] head = Tensors.toFloatArray(m.namedParameters().get("head.weight"));
      double sq = 0;
      for (float v : head) {
        sq += v * v;
      }
      assertThat(Math.sqrt(sq / head.length)).isBetween(0.5e-5, 4e-5);
      float[] pos = Tensors.toFloatArray(m.namedParameters().get("pos_embed"));
      // token 0 (cls) is zero; patch (row 0, col 1) = token 2: first entry sin(1·ω0) = sin(1)
      assertThat(pos[0]).isEqualTo(0f);
      assertThat(pos[2 * 16]).isCloseTo((float) Math.sin(1), within(1e-6f));
      assertThat(m.namedParameters()).containsKey("norm.weight").doesNotContainKey("fc_norm.weight");
    }
  }

  @Test
  void forward_batch_givesLogitsPerClass() {
    try (VitClassifier m = new VitClassifier(tiny(8), 3, Pooling.AVERAGE, 0, 0)) {
      Tensor logits = m.forward(Tensors.zeros(5, 1, 8, 8));
      assertThat(logits.shape()).containsExactly(5, 3);
      assertThat(m.forwardFeatures(Tensors.zeros(2, 1, 8, 8)).shape()).containsExactly(2, 16);
    }
  }

  @Test
  void forward_wrongImageSize_throwsNamingShapes() {
    try (VitClassifier m = new VitClassifier(tiny(8), 3, Pooling.AVERAGE, 0, 0)) {
      assertThatThrownBy(() -> m.forward(Tensors.zeros(2, 3, 8, 8)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, 1, 8, 8]")
          .hasMessageContaining("[2, 3, 8, 8]");
    }
  }

  @Test
  void loadEncoder_sameGeometry_copiesWeightsAndKeepsHead() {
    try (VitClassifier src = new VitClassifier(tiny(8), 3, Pooling.AVERAGE, 0, 1);
        VitClassifier dst = new VitClassifier(tiny(8), 3, Pooling.AVERAGE, 0, 2)) {
      Map<String, Tensor> sd = new LinkedHashMap<>(src.namedParameters());
      sd.remove("head.weight");
      sd.remove("head.bias");
      sd.put("decoder_embed.weight", Tensors.zeros(8, 16));
      sd.put("mask_token", Tensors.zeros(1, 1, 8));
      float[] headBefore = Tensors.toFloatArray(dst.namedParameters().get("head.weight"));
      EncoderLoadReport r = dst.loadEncoder(sd);
      assertThat(r.missing()).containsExactly("head.weight", "head.bias");
      assertThat(r.unexpected()).containsExactly("decoder_embed.weight", "mask_token");
      assertThat(r.posEmbedResized()).isFalse();
      assertThat(Tensors.toFloatArray(dst.namedParameters().get("blocks.1.mlp.fc2.weight")))
          .containsExactly(Tensors.toFloatArray(src.namedParameters().get("blocks.1.mlp.fc2.weight")));
      assertThat(Tensors.toFloatArray(dst.namedParameters().get("head.weight"))).containsExactly(headBefore);
      src.train(false);
      dst.train(false);
      try (NoGradGuard g = new NoGradGuard()) {
        Tensor x = Tensors.floats(new float[64], 1, 1, 8, 8).add(Tensors.scalar(0.5));
        assertThat(Tensors.toFloatArray(dst.forwardFeatures(x)))
            .containsExactly(Tensors.toFloatArray(src.forwardFeatures(x)), within(1e-5f));
      }
    }
  }

  @Test
  void loadEncoder_smallerCheckpointGrid_interpolatesPosEmbed() {
    try (VitClassifier src = new VitClassifier(tiny(8), 3, Pooling.AVERAGE, 0, 1);
        VitClassifier dst = new VitClassifier(tiny(16), 3, Pooling.AVERAGE, 0, 2)) {
      EncoderLoadReport r = dst.loadEncoder(src.namedParameters());
      assertThat(r.posEmbedResized()).isTrue();
      float[] pos = Tensors.toFloatArray(dst.namedParameters().get("pos_embed"));
      assertThat(pos).hasSize(17 * 16);
      // the cls row is copied unchanged (zeros from sin-cos)
      for (int i = 0; i < 16; i++) {
        assertThat(pos[i]).isEqualTo(Tensors.toFloatArray(src.namedParameters().get("pos_embed"))[i]);
      }
    }
  }

  @Test
  void loadEncoder_wrongWidth_throwsNamingTensor() {
    MaeConfig wide = MaeConfig.builder().imageSize(8).patchSize(4).inChannels(1)
        .encoder(e -> e.embedDim(32).depth(2).numHeads(2)).decoder(d -> d.embedDim(8).depth(1).numHeads(2)).build();
    try (VitClassifier src = new VitClassifier(wide, 3, Pooling.AVERAGE, 0, 1);
        VitClassifier dst = new VitClassifier(tiny(8), 3, Pooling.AVERAGE, 0, 2)) {
      assertThatThrownBy(() -> dst.loadEncoder(src.namedParameters()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'cls_token'")
          .hasMessageContaining("[1, 1, 32]").hasMessageContaining("[1, 1, 16]");
    }
  }

  @Test
  void layerId_names_followReferenceGrouping() {
    try (VitClassifier m = new VitClassifier(tiny(8), 3, Pooling.AVERAGE, 0, 0)) {
      assertThat(List.of("cls_token", "pos_embed", "patch_embed.proj.weight", "blocks.0.attn.qkv.weight",
          "blocks.1.norm2.bias", "fc_norm.weight", "head.bias").stream().map(m::layerId).toList())
          .containsExactly(0, 0, 0, 1, 2, 3, 3);
      assertThat(m.numLayerGroups()).isEqualTo(4);
    }
  }

  @Test
  void freezeAllButLastBlocks_one_trainsLastBlockNormAndHead() {
    try (VitClassifier m = new VitClassifier(tiny(8), 3, Pooling.AVERAGE, 0, 0)) {
      m.freezeAllButLastBlocks(1);
      List<String> trainable = m.namedParameters().entrySet().stream()
          .filter(e -> e.getValue().requires_grad()).map(Map.Entry::getKey).toList();
      assertThat(trainable).allMatch(n -> n.startsWith("blocks.1.") || n.startsWith("fc_norm") || n.startsWith("head"));
      assertThat(trainable).hasSize(12 + 4);
      assertThatThrownBy(() -> m.freezeAllButLastBlocks(3)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void close_twice_isHarmlessAndUseAfterCloseThrows() {
    VitClassifier m = new VitClassifier(tiny(8), 3, Pooling.AVERAGE, 0, 0);
    m.close();
    m.close();
    assertThatThrownBy(() -> m.forward(Tensors.zeros(1, 1, 8, 8))).isInstanceOf(IllegalStateException.class);
  }
}

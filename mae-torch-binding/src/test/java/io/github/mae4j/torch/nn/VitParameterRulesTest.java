package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class VitParameterRulesTest {
  @Test
  void layerId_referenceNames_mapToLayers() {
    assertThat(VitParameterRules.layerId("cls_token", 12)).isZero();
    assertThat(VitParameterRules.layerId("pos_embed", 12)).isZero();
    assertThat(VitParameterRules.layerId("patch_embed.proj.weight", 12)).isZero();
    assertThat(VitParameterRules.layerId("blocks.0.attn.qkv.weight", 12)).isEqualTo(1);
    assertThat(VitParameterRules.layerId("blocks.11.mlp.fc2.bias", 12)).isEqualTo(12);
    assertThat(VitParameterRules.layerId("fc_norm.weight", 12)).isEqualTo(13);
    assertThat(VitParameterRules.layerId("head.weight", 12)).isEqualTo(13);
  }

  @Test
  void layerId_maeOnlyNames_encoderMaskTokenWithEmbeddingsDecoderOnTop() {
    assertThat(VitParameterRules.layerId("encoder_mask_token", 2)).isZero();
    assertThat(VitParameterRules.layerId("mask_token", 2)).isEqualTo(3);
    assertThat(VitParameterRules.layerId("decoder_blocks.0.norm1.weight", 2)).isEqualTo(3);
  }

  @Test
  void layerId_blockBeyondDepth_throws() {
    assertThatThrownBy(() -> VitParameterRules.layerId("blocks.12.norm1.weight", 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parameter \"blocks.12.norm1.weight\" names block 12 but blocks are 0..11");
  }

  @Test
  void noWeightDecay_vectorsBiasesAndTokens_areExemptMatricesAreNot() {
    Torch.load();
    assertThat(VitParameterRules.noWeightDecay("blocks.0.norm1.weight", torch.zeros(8))).isTrue();
    assertThat(VitParameterRules.noWeightDecay("head.bias", torch.zeros(3))).isTrue();
    for (String token : new String[] {"cls_token", "pos_embed", "mask_token", "encoder_mask_token"}) {
      assertThat(VitParameterRules.noWeightDecay(token, torch.zeros(1, 1, 8))).as(token).isTrue();
    }
    assertThat(VitParameterRules.noWeightDecay("blocks.0.attn.qkv.weight", torch.zeros(24, 8))).isFalse();
    assertThat(VitParameterRules.noWeightDecay("patch_embed.proj.weight", torch.zeros(8, 1, 4, 4))).isFalse();
    assertThat(VitParameterRules.noWeightDecay("decoder_pos_embed", torch.zeros(1, 5, 8))).isFalse();
  }
}

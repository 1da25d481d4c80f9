package io.github.mae4j.torch.downstream.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LayerDecayGroupsTest {
  @Test
  void groups_tinyVit_scaleAndDecayPerGroup() {
    MaeConfig c = MaeConfig.builder().imageSize(8).patchSize(4).inChannels(1)
        .encoder(e -> e.embedDim(16).depth(2).numHeads(2)).decoder(d -> d.embedDim(8).depth(1).numHeads(2)).build();
    try (VitClassifier m = new VitClassifier(c, 3, Pooling.AVERAGE, 0, 0)) {
      List<ParamGroup> groups = LayerDecayGroups.groups(m, 0.05, 0.5);
      Map<String, ParamGroup> byName = groups.stream().collect(Collectors.toMap(ParamGroup::name, g -> g));
      assertThat(byName.keySet()).containsExactlyInAnyOrder("layer_0_no_decay", "layer_0_decay", "layer_1_decay",
          "layer_1_no_decay", "layer_2_decay", "layer_2_no_decay", "layer_3_no_decay", "layer_3_decay");
      assertThat(byName.get("layer_0_no_decay").names())
          .containsExactly("cls_token", "pos_embed", "patch_embed.proj.bias");
      assertThat(byName.get("layer_0_decay").names()).containsExactly("patch_embed.proj.weight");
      assertThat(byName.get("layer_0_decay").lrScale()).isEqualTo(0.125);
      assertThat(byName.get("layer_0_decay").weightDecay()).isEqualTo(0.05);
      assertThat(byName.get("layer_0_no_decay").weightDecay()).isEqualTo(0.0);
      assertThat(byName.get("layer_2_decay").names()).containsExactly("blocks.1.attn.qkv.weight",
          "blocks.1.attn.proj.weight", "blocks.1.mlp.fc1.weight", "blocks.1.mlp.fc2.weight");
      assertThat(byName.get("layer_2_decay").lrScale()).isEqualTo(0.5);
      assertThat(byName.get("layer_3_decay").names()).containsExactly("head.weight");
      assertThat(byName.get("layer_3_no_decay").names()).containsExactly("fc_norm.weight", "fc_norm.bias", "head.bias");
      assertThat(byName.get("layer_3_decay").lrScale()).isEqualTo(1.0);

      try (GroupedAdamW opt = new GroupedAdamW(groups, 0.9, 0.999)) {
        opt.setLearningRate(1e-3);
        int i = groups.indexOf(byName.get("layer_0_decay"));
        assertThat(opt.learningRate(i)).isCloseTo(1.25e-4, within(1e-18));
        for (int g = 0; g < groups.size(); g++) {
          assertThat(opt.betas(g)).as("betas of group %d", g).containsExactly(0.9, 0.999);
        }
      }
    }
  }
}

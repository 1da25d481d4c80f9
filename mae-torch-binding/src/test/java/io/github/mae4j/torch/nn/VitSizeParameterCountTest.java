package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.EncoderSpec;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.VitSize;
import io.github.mae4j.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every named ViT size at depth 1 on 32-px images: forward + backward shapes and the config's parameter count. */
class VitSizeParameterCountTest {

  @ParameterizedTest
  @EnumSource(VitSize.class)
  void forwardBackward_depthOneEachSize_shapesAndCountMatchConfig(VitSize size) {
    Torch.load();
    MaeConfig config = MaeConfig.builder()
        .imageSize(32)
        .patchSize(size == VitSize.HUGE ? 8 : 16)
        .encoder(EncoderSpec.of(size).withDepth(1))
        .decoder(d -> d.depth(1))
        .build();
    try (MaskedAutoencoder m = MaskedAutoencoder.create(config, 1); PointerScope s = new PointerScope()) {
      assertThat(m.parameterCount()).isEqualTo(config.getParameterCount());
      MaeOutput out = m.forward(torch.rand(2, 3, 32, 32), 2L);
      out.loss().backward();
      assertThat(StateShapes.of(out.pred())).containsExactly(2, config.getNumPatches(), config.getPatchDim());
      NamedParameter qkv = m.parameterGroups().decay().stream()
          .filter(p -> p.name().equals("blocks.0.attn.qkv.weight"))
          .findFirst()
          .orElseThrow();
      assertThat(qkv.tensor().grad().abs().sum().item_float()).isPositive();
    }
  }

  @Test
  void parameterCount_fullVitB16_equalsConfigFormula() {
    Torch.load();
    MaeConfig config = MaeConfig.vitB16();
    try (MaskedAutoencoder m = MaskedAutoencoder.create(config, 1)) {
      assertThat(m.parameterCount()).isEqualTo(config.getParameterCount());
      assertThat(m.parameterCount()).isBetween(111_000_000L, 112_000_000L);
    }
  }
}

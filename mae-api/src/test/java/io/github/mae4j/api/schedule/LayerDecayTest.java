package io.github.mae4j.api.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class LayerDecayTest {

  @Test
  void scales_depth2Decay05_matchReferenceConvention() {
    // reference: num_layers = depth + 1 = 3, scales = [0.5^(3 - i) for i in 0..3]
    assertThat(LayerDecay.scales(2, 0.5)).containsExactly(0.125, 0.25, 0.5, 1.0);
  }

  @Test
  void scales_depth12Decay075_embeddingAndHeadMatchHandValues() {
    double[] scales = LayerDecay.scales(12, 0.75);

    assertThat(scales).hasSize(14);
    assertThat(scales[13]).isEqualTo(1.0);
    assertThat(scales[12]).isEqualTo(0.75);
    assertThat(scales[11]).isCloseTo(0.5625, offset(1e-15));
    // 0.75^13 = 1594323 / 67108864
    assertThat(scales[0]).isCloseTo(1594323.0 / 67108864.0, offset(1e-15));
  }

  @Test
  void scale_singleLayer_equalsEntryOfScales() {
    assertThat(LayerDecay.scale(1, 2, 0.5)).isEqualTo(0.25);
    assertThat(LayerDecay.scale(3, 2, 0.5)).isEqualTo(1.0);
  }

  @Test
  void scale_badArguments_throw() {
    assertThatThrownBy(() -> LayerDecay.scale(4, 2, 0.5)).hasMessage("layerId (4) must be in [0, depth + 1 = 3]");
    assertThatThrownBy(() -> LayerDecay.scales(2, 0)).hasMessage("decay (0.0) must be in (0, 1]");
    assertThatThrownBy(() -> LayerDecay.scales(0, 0.5)).hasMessage("depth (0) must be positive");
  }
}

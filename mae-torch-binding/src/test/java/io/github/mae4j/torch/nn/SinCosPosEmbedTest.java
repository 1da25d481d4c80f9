package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SinCosPosEmbedTest {

  @Test
  void table_dim8Grid2_columnHalfFirstThenRowHalf() {
    // D = 8: each half has D/4 = 2 frequencies ω = 1/10000^(m/2) = {1, 0.01}
    float[] t = SinCosPosEmbed.table(8, 2, 2, true);
    assertThat(t).hasSize(5 * 8);
    for (int c = 0; c < 8; c++) {
      assertThat(t[c]).isZero(); // cls row
    }
    // patch k = i·2 + j = 1 is row 0, column 1: column half encodes 1, row half encodes 0
    int base = 2 * 8;
    float[] expected = {
      (float) Math.sin(1), (float) Math.sin(0.01), (float) Math.cos(1), (float) Math.cos(0.01), 0, 0, 1, 1};
    for (int c = 0; c < 8; c++) {
      assertThat(t[base + c]).isCloseTo(expected[c], within(1e-7f));
    }
    // patch k = 2 is row 1, column 0
    base = 3 * 8;
    float[] expected2 = {
      0, 0, 1, 1, (float) Math.sin(1), (float) Math.sin(0.01), (float) Math.cos(1), (float) Math.cos(0.01)};
    for (int c = 0; c < 8; c++) {
      assertThat(t[base + c]).isCloseTo(expected2[c], within(1e-7f));
    }
  }

  @Test
  void table_dimNotMultipleOf4_isRejected() {
    assertThatThrownBy(() -> SinCosPosEmbed.table(6, 2, 2, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of 4, got 6");
  }
}

package io.github.mae4j.torch.downstream.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WarmupCosineTest {
  private final WarmupCosine s = new WarmupCosine(1e-3, 1e-6, 5, 105);

  @Test
  void at_warmup_isLinear() {
    assertThat(s.at(0)).isEqualTo(0.0);
    assertThat(s.at(2.5)).isCloseTo(5e-4, within(1e-15));
    assertThat(s.at(5)).isCloseTo(1e-3, within(1e-15));
  }

  @Test
  void at_afterWarmup_followsHalfCosine() {
    assertThat(s.at(55)).isCloseTo((1e-3 + 1e-6) / 2, within(1e-15));
    assertThat(s.at(30)).isCloseTo(1e-6 + (1e-3 - 1e-6) * 0.5 * (1 + Math.cos(Math.PI / 4)), within(1e-15));
    assertThat(s.at(105)).isCloseTo(1e-6, within(1e-15));
  }

  @Test
  void constructor_warmupLongerThanTotal_throws() {
    assertThatThrownBy(() -> new WarmupCosine(1, 0, 10, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warmupEpochs (10.0)");
  }
}

package io.github.mae4j.torch.downstream.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.junit.jupiter.api.Test;

class SoftTargetCrossEntropyTest {
  @Test
  void labelSmoothing_matchesHandComputation() {
    Torch.load();
    double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    double[] logp = {1 - lse, 2 - lse, 3 - lse};
    double s = 0.1;
    double off = s / 3;
    double on = 1 - s + off;
    double expected = -(off * logp[0] + off * logp[1] + on * logp[2]);
    var loss = SoftTargetCrossEntropy.labelSmoothing(
        Tensors.floats(new float[] {1, 2, 3}, 1, 3), Tensors.longs(new long[] {2}, 1), s);
    assertThat((double) loss.item_float()).isCloseTo(expected, within(1e-6));
  }

  @Test
  void loss_shapeMismatch_throws() {
    Torch.load();
    assertThatThrownBy(() -> SoftTargetCrossEntropy.loss(Tensors.zeros(2, 3), Tensors.zeros(2, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]").hasMessageContaining("[2, 4]");
  }
}

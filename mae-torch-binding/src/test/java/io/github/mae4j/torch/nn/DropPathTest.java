package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class DropPathTest {
  @Test
  void apply_eval_isIdentity() {
    Torch.load();
    Tensor x = Tensors.floats(new float[] {1, 2, 3, 4}, 2, 2);
    assertThat(Tensors.toFloatArray(DropPath.apply(x, 0.5, false, torch.createCPUGenerator(0))))
        .containsExactly(1, 2, 3, 4);
  }

  @Test
  void apply_training_dropsWholeSamplesAndKeepsExpectation() {
    Torch.load();
    Generator g = torch.createCPUGenerator(3);
    int n = 20000;
    float[] out = Tensors.toFloatArray(DropPath.apply(Tensors.zeros(n, 3).add(Tensors.scalar(1)), 0.25, true, g));
    double sum = 0;
    int dropped = 0;
    for (int i = 0; i < n; i++) {
      float v = out[3 * i];
      assertThat(out[3 * i + 1]).isEqualTo(v);
      assertThat(out[3 * i + 2]).isEqualTo(v);
      assertThat(v).isIn(0f, 1f / 0.75f);
      dropped += v == 0 ? 1 : 0;
      sum += v;
    }
    assertThat(sum / n).isCloseTo(1.0, within(0.02));
    assertThat(dropped / (double) n).isCloseTo(0.25, within(0.015));
  }

  @Test
  void apply_rateOne_throws() {
    Torch.load();
    assertThatThrownBy(() -> DropPath.apply(Tensors.zeros(1), 1.0, true, torch.createCPUGenerator(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1.0)");
  }
}

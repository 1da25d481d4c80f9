package io.github.mae4j.torch.downstream.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LarsTest {
  @BeforeAll
  static void load() {
    Torch.load();
  }

  private static Tensor param(float[] v, long... shape) {
    return Tensors.floats(v, shape).requires_grad_(true);
  }

  private static void setGrad(Tensor p, float[] g) {
    p.mutable_grad().put(Tensors.floats(g, p.shape()));
  }

  @Test
  void step_matrixParameter_scalesUpdateByTrustRatio() {
    Tensor w = param(new float[] {3, 4}, 1, 2); // ‖w‖ = 5
    try (Lars lars = new Lars(List.of(w), 1.0, 0.0, 0.9, 0.001)) {
      setGrad(w, new float[] {0.6f, 0.8f}); // ‖g‖ = 1 → q = 0.001·5/1 = 0.005
      lars.step();
      float[] after = Tensors.toFloatArray(w);
      assertThat(after[0]).isCloseTo(3 - 0.003f, within(1e-6f));
      assertThat(after[1]).isCloseTo(4 - 0.004f, within(1e-6f));

      // second step, same gradient: μ = 0.9·μ + q'·g with q' from the new ‖w‖
      double norm = Math.hypot(after[0], after[1]);
      double q = 0.001 * norm / 1.0;
      double mu0 = 0.9 * 0.003 + q * 0.6;
      double mu1 = 0.9 * 0.004 + q * 0.8;
      lars.step();
      float[] after2 = Tensors.toFloatArray(w);
      assertThat((double) after2[0]).isCloseTo(after[0] - mu0, within(1e-6));
      assertThat((double) after2[1]).isCloseTo(after[1] - mu1, within(1e-6));
    }
  }

  @Test
  void step_withWeightDecay_addsDecayBeforeTrustRatio() {
    Tensor w = param(new float[] {3, 4}, 1, 2);
    try (Lars lars = new Lars(List.of(w), 0.5, 0.1, 0.9, 0.001)) {
      setGrad(w, new float[] {0.6f, 0.8f});
      lars.step();
      double d0 = 0.6 + 0.1 * 3;
      double d1 = 0.8 + 0.1 * 4;
      double q = 0.001 * 5 / Math.hypot(d0, d1);
      float[] after = Tensors.toFloatArray(w);
      assertThat((double) after[0]).isCloseTo(3 - 0.5 * q * d0, within(1e-6));
      assertThat((double) after[1]).isCloseTo(4 - 0.5 * q * d1, within(1e-6));
    }
  }

  @Test
  void step_vectorParameter_noTrustRatioNoDecay() {
    Tensor b = param(new float[] {1, 2}, 2);
    try (Lars lars = new Lars(List.of(b), 0.1, 0.5, 0.9, 0.001)) {
      setGrad(b, new float[] {0.5f, -1f});
      lars.step();
      assertThat(Tensors.toFloatArray(b)).containsExactly(new float[] {0.95f, 2.1f}, within(1e-6f));
      lars.step(); // μ = 0.9·g + g = 1.9·g
      assertThat(Tensors.toFloatArray(b)).containsExactly(new float[] {0.95f - 0.095f, 2.1f + 0.19f}, within(1e-6f));
    }
  }

  @Test
  void step_zeroParameter_usesTrustOne() {
    Tensor w = param(new float[] {0, 0}, 1, 2);
    try (Lars lars = Lars.withDefaults(List.of(w), 1.0)) {
      setGrad(w, new float[] {1, 2});
      lars.step();
      assertThat(Tensors.toFloatArray(w)).containsExactly(new float[] {-1, -2}, within(1e-6f));
    }
  }

  @Test
  void constructor_badMomentum_throws() {
    Tensor w = param(new float[] {1}, 1);
    assertThatThrownBy(() -> new Lars(List.of(w), 0.1, 0, 1.5, 0.001))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("momentum (1.5)");
  }

  @Test
  void close_twice_isHarmless() {
    Lars lars = Lars.withDefaults(List.of(param(new float[] {1}, 1)), 0.1);
    lars.close();
    lars.close();
    assertThatThrownBy(lars::step).isInstanceOf(IllegalStateException.class);
  }
}

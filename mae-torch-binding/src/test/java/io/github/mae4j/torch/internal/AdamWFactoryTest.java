package io.github.mae4j.torch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.run.OptimizerState;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdamWFactoryTest {
  @BeforeAll
  static void load() {
    Torch.load();
  }

  @Test
  void create_twoGroups_readsBackTheBetasEpsAndDecayThatWereAskedFor() {
    try (PointerScope ignored = new PointerScope()) {
      Tensor w = torch.zeros(3).requires_grad_(true);
      Tensor b = torch.zeros(2).requires_grad_(true);
      AdamW opt = AdamWFactory.create(
          List.of(new AdamWFactory.Group(List.of(w), 0.05), new AdamWFactory.Group(List.of(b), 0.0)),
          new AdamWFactory.Hyper(1e-3, 0.9, 0.95, 1e-7));
      assertThat(opt.param_groups().size()).isEqualTo(2);
      for (int g = 0; g < 2; g++) {
        assertThat(AdamWFactory.betas(opt, g)).as("group %d", g).containsExactly(0.9, 0.95);
      }
      assertThat(AdamWFactory.weightDecay(opt, 0)).isEqualTo(0.05);
      assertThat(AdamWFactory.weightDecay(opt, 1)).isEqualTo(0.0);
    }
  }

  @Test
  void beta1Index_defaultOptions_pointsAtZeroPointNine() {
    try (org.bytedeco.pytorch.AdamWOptions defaults = new org.bytedeco.pytorch.AdamWOptions()) {
      // the C++ defaults are (0.9, 0.999); through the discovered index they read in the paper's order
      assertThat(AdamWFactory.betas(defaults)).containsExactly(0.9, 0.999);
      assertThat(defaults.betas().get(AdamWFactory.beta1Index())).isEqualTo(0.9);
    }
  }

  /**
   * Three steps with different gradients against AdamW written out in doubles (Loshchilov & Hutter, with
   * PyTorch's bias correction). The first step alone cannot tell β1 from β2 (m̂ = g, v̂ = g²); later ones can.
   */
  @Test
  void step_threeDifferentGradients_followsAdamWWithBeta1AndBeta2InTheirPlaces() {
    double lr = 0.1;
    double wd = 0.05;
    double b1 = 0.9;
    double b2 = 0.95;
    double eps = 1e-8;
    double[][] grads = {{1.0, -2.0}, {-3.0, 0.5}, {0.25, 4.0}};
    double[] p = {0.5, -0.25};
    double[] m = new double[2];
    double[] v = new double[2];
    try (PointerScope ignored = new PointerScope()) {
      Tensor w = TensorData.fromFloats(new float[] {(float) p[0], (float) p[1]}, 2).to(torch.ScalarType.Double)
          .requires_grad_(true);
      AdamW opt = AdamWFactory.create(List.of(new AdamWFactory.Group(List.of(w), wd)),
          new AdamWFactory.Hyper(lr, b1, b2, eps));
      for (int t = 1; t <= grads.length; t++) {
        double[] g = grads[t - 1];
        Tensor gt = TensorData.fromFloats(new float[] {(float) g[0], (float) g[1]}, 2).to(torch.ScalarType.Double);
        opt.zero_grad();
        w.mul(gt).sum().backward(); // ∂/∂w of Σ w·g is g
        opt.step();
        for (int i = 0; i < 2; i++) {
          p[i] *= 1 - lr * wd;
          m[i] = b1 * m[i] + (1 - b1) * g[i];
          v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
          double mHat = m[i] / (1 - Math.pow(b1, t));
          double vHat = v[i] / (1 - Math.pow(b2, t));
          p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
        }
        double[] got = TensorData.toDoubleArray(w.detach());
        for (int i = 0; i < 2; i++) {
          assertThat(got[i]).as("step %d element %d", t, i).isCloseTo(p[i], within(1e-12));
        }
      }
    }
  }

  @Test
  void enforce_afterLoadingStateSavedWithOtherBetas_runsWithTheBetasAskedFor() {
    try (PointerScope ignored = new PointerScope()) {
      Tensor w = torch.zeros(3).requires_grad_(true);
      AdamW old = AdamWFactory.create(List.of(new AdamWFactory.Group(List.of(w), 0.0)),
          new AdamWFactory.Hyper(1e-3, 0.95, 0.9, 1e-8));
      byte[] state = OptimizerState.save(old);
      AdamW fresh = AdamWFactory.create(List.of(new AdamWFactory.Group(List.of(w), 0.0)),
          new AdamWFactory.Hyper(1e-3, 0.9, 0.95, 1e-8));
      OptimizerState.load(fresh, state);
      // libtorch's archive carries the options it was saved with
      assertThat(AdamWFactory.betas(fresh, 0)).containsExactly(0.95, 0.9);
      AdamWFactory.enforce(fresh, 0.9, 0.95, 1e-8);
      assertThat(AdamWFactory.betas(fresh, 0)).containsExactly(0.9, 0.95);
    }
  }

  @Test
  void hyper_betaOutOfRange_isRefusedNamingBoth() {
    assertThatThrownBy(() -> new AdamWFactory.Hyper(1e-3, 1.0, 0.95, 1e-8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1.0, 0.95)");
  }

  @Test
  void create_noParameters_isRefused() {
    assertThatThrownBy(() -> AdamWFactory.create(List.of(new AdamWFactory.Group(List.of(), 0.0)),
        new AdamWFactory.Hyper(1e-3, 0.9, 0.95, 1e-8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one parameter");
  }
}

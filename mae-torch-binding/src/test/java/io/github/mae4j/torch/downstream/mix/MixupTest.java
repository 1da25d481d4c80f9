package io.github.mae4j.torch.downstream.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MixupTest {
  @BeforeAll
  static void load() {
    Torch.load();
  }

  @Test
  void smoothOneHot_tenClasses_onAndOffValues() {
    float[] y = Tensors.toFloatArray(Mixup.smoothOneHot(Tensors.longs(new long[] {3}, 1), 10, 0.1));
    for (int c = 0; c < 10; c++) {
      assertThat(y[c]).isCloseTo(c == 3 ? 0.91f : 0.01f, within(1e-7f));
    }
  }

  @Test
  void smoothOneHot_labelOutOfRange_throws() {
    assertThatThrownBy(() -> Mixup.smoothOneHot(Tensors.longs(new long[] {0, 4}, 2), 4, 0.1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 4 at 1");
  }

  @Test
  void mixTargets_lambda_weightsOwnAndReversedLabels() {
    // labels [0, 1, 2] reversed are [2, 1, 0]; no smoothing
    float[] y = Tensors.toFloatArray(Mixup.mixTargets(Tensors.longs(new long[] {0, 1, 2}, 3), 3, 0.3, 0.0));
    assertThat(y).containsExactly(new float[] {0.3f, 0, 0.7f, 0, 1, 0, 0.7f, 0, 0.3f}, within(1e-6f));
  }

  @Test
  void cutmixBox_lambda_isOneMinusAreaFraction() {
    assertThat(new CutmixBox(0, 4, 0, 8).lambda(8, 8)).isEqualTo(0.5);
    assertThat(new CutmixBox(2, 3, 5, 7).lambda(10, 10)).isEqualTo(0.98);
  }

  @Test
  void cutmixBox_sample_sidesFollowLambdaAndStayInside() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 200; i++) {
      CutmixBox b = CutmixBox.sample(0.75, 32, 32, r); // sides ⌊32·0.5⌋ = 16 before clipping
      assertThat(b.y1() - b.y0()).isBetween(0, 16);
      assertThat(b.x1() - b.x0()).isBetween(0, 16);
      assertThat(b.y0()).isGreaterThanOrEqualTo(0);
      assertThat(b.y1()).isLessThanOrEqualTo(32);
      assertThat(b.lambda(32, 32)).isBetween(0.75, 1.0);
    }
  }

  @Test
  void apply_cutmixOnly_pastesReversedBatchAndLambdaMatchesArea() {
    Tensor images = Tensors.floats(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 2, 1, 3, 3);
    Tensor labels = Tensors.longs(new long[] {0, 1}, 2);
    Mixup mixup = new Mixup(0.0, 1.0, 1.0, 0.5, 0.0, 2, new SplittableRandom(7));
    for (int trial = 0; trial < 20; trial++) {
      Mixup.Mixed m = mixup.apply(images, labels);
      assertThat(m.cutmix()).isTrue();
      float[] out = Tensors.toFloatArray(m.images());
      int pasted = 0;
      for (int i = 0; i < 9; i++) {
        pasted += (int) out[i]; // image 0 is zeros: every 1 came from image 1
      }
      assertThat(m.lambda()).isCloseTo(1 - pasted / 9.0, within(1e-12));
      float[] t = Tensors.toFloatArray(m.targets());
      assertThat(t[0]).isCloseTo((float) m.lambda(), within(1e-6f));
      assertThat(t[1]).isCloseTo((float) (1 - m.lambda()), within(1e-6f));
    }
    assertThat(Tensors.toFloatArray(images)[0]).isEqualTo(0f); // input untouched
  }

  @Test
  void apply_mixupOnly_blendsWithReversedBatch() {
    Tensor images = Tensors.floats(new float[] {2, 4, 10, 20}, 2, 1, 1, 2);
    Tensor labels = Tensors.longs(new long[] {1, 0}, 2);
    Mixup.Mixed m = new Mixup(0.8, 0.0, 1.0, 0.5, 0.1, 2, new SplittableRandom(3)).apply(images, labels);
    double lam = m.lambda();
    assertThat(m.cutmix()).isFalse();
    assertThat(Tensors.toFloatArray(m.images())).containsExactly(new float[] {
        (float) (2 * lam + 10 * (1 - lam)), (float) (4 * lam + 20 * (1 - lam)),
        (float) (10 * lam + 2 * (1 - lam)), (float) (20 * lam + 4 * (1 - lam))}, within(1e-5f));
    // row 0: label 1 with weight λ, label 0 with 1−λ, each smoothed (on 0.95, off 0.05)
    float[] t = Tensors.toFloatArray(m.targets());
    assertThat(t[1]).isCloseTo((float) (0.95 * lam + 0.05 * (1 - lam)), within(1e-6f));
  }

  @Test
  void beta_meanOfSamples_isHalf() {
    SplittableRandom r = new SplittableRandom(11);
    double sum = 0;
    for (int i = 0; i < 20000; i++) {
      sum += Mixup.Beta.sample(0.8, r);
    }
    assertThat(sum / 20000).isCloseTo(0.5, within(0.01));
  }
}

package io.github.mae4j.torch.downstream.aug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.aug.RandAugment.Op;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RandAugmentTest {
  @BeforeAll
  static void load() {
    Torch.load();
  }

  private static Tensor row(float... v) {
    return Tensors.floats(v, 1, 1, v.length);
  }

  @Test
  void parse_timmSpec_readsMagnitudeNoiseAndCount() {
    RandAugment ra = RandAugment.parse("rand-m9-mstd0.5-inc1", new SplittableRandom(0));
    assertThat(ra.numOps()).isEqualTo(2);
    assertThat(ra.magnitude()).isEqualTo(9.0);
    assertThat(ra.magnitudeStd()).isEqualTo(0.5);
    assertThat(RandAugment.parse("rand-n3-m5", new SplittableRandom(0)).numOps()).isEqualTo(3);
    assertThatThrownBy(() -> RandAugment.parse("auto-v0", new SplittableRandom(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'auto-v0'");
    assertThatThrownBy(() -> RandAugment.parse("rand-q3", new SplittableRandom(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'q3'");
  }

  @Test
  void applyOp_pixelOps_matchHandValues() {
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.SOLARIZE, row(0.2f, 0.6f, 0.9f), 0.5, false)))
        .containsExactly(new float[] {0.2f, 0.4f, 0.1f}, within(1e-6f));
    // level 0.5 → 4 − 2 = 2 bits → 8-bit values rounded down to multiples of 64
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.POSTERIZE, row(127 / 255f, 128 / 255f, 0.1f, 1f), 0.5,
        false))).containsExactly(new float[] {64 / 255f, 128 / 255f, 0f, 192 / 255f}, within(1e-6f));
    // level 1 → 0 bits: black, as PIL
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.POSTERIZE, row(1f, 0.6f), 1, false)))
        .containsExactly(new float[] {0f, 0f}, within(1e-6f));
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.AUTO_CONTRAST, row(0.2f, 0.4f, 0.6f), 1, false)))
        .containsExactly(new float[] {0f, 0.5f, 1f}, within(1e-6f));
    // brightness factor 1 + 0.9·0.5 = 1.45, clamped to 1
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.BRIGHTNESS, row(0.2f, 0.8f), 0.5, false)))
        .containsExactly(new float[] {0.29f, 1f}, within(1e-6f));
    // contrast factor 1 − 0.9·0.5 = 0.55 around the mean 0.5, which PIL rounds to 8 bits: ⌊127.5 + 0.5⌋ = 128
    float mean = 128 / 255f;
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.CONTRAST, row(0.2f, 0.8f), 0.5, true)))
        .containsExactly(new float[] {mean + 0.55f * (0.2f - mean), mean + 0.55f * (0.8f - mean)}, within(1e-6f));
    // solarize at level 0.5: threshold 256 − 128 = 128 on 8-bit values
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.SOLARIZE, row(127 / 255f, 128 / 255f), 0.5, false)))
        .containsExactly(new float[] {127 / 255f, 127 / 255f}, within(1e-6f));
  }

  @Test
  void applyOp_translateX_movesAnImpulseByWholePixels() {
    float[] img = new float[10 * 10];
    img[4 * 10 + 3] = 1f; // row 4, column 3
    double level = 2 / (0.45 * 10); // 2 pixels; negated = to the right (PIL's positive offset moves left)
    float[] out = Tensors.toFloatArray(RandAugment.applyOp(Op.TRANSLATE_X, Tensors.floats(img, 1, 10, 10), level,
        true));
    assertThat(out[4 * 10 + 5]).isCloseTo(1f, within(1e-5f));
    assertThat(out[4 * 10 + 3]).isCloseTo(0f, within(1e-5f));
  }

  @Test
  void applyOp_rotateLevelZero_isIdentity() {
    float[] img = new float[36];
    for (int i = 0; i < 36; i++) {
      img[i] = i / 36f;
    }
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.ROTATE, Tensors.floats(img, 1, 6, 6), 0, false)))
        .containsExactly(img, within(1e-5f));
  }

  @Test
  void apply_anyImage_keepsShapeAndRange() {
    RandAugment ra = RandAugment.parse("rand-m9-mstd0.5-inc1", new SplittableRandom(4));
    Tensor img = Tensors.rand(org.bytedeco.pytorch.global.torch.createCPUGenerator(1), 3, 16, 16);
    for (int i = 0; i < 30; i++) {
      Tensor out = ra.apply(img);
      assertThat(out.shape()).containsExactly(3, 16, 16);
      for (float v : Tensors.toFloatArray(out)) {
        assertThat(v).isBetween(-1e-6f, 1 + 1e-6f);
      }
    }
  }
}

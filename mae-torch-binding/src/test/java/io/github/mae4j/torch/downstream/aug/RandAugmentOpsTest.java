package io.github.mae4j.torch.downstream.aug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.aug.RandAugment.Op;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RandAugmentOpsTest {
  @BeforeAll
  static void load() {
    Torch.load();
  }

  private static Tensor row(float... v) {
    return Tensors.floats(v, 1, 1, v.length);
  }

  /** A [3, 1, 2] RGB image: pixel 0 pure red, pixel 1 (0.2, 0.4, 0.6). */
  private static Tensor twoRgbPixels() {
    return Tensors.floats(new float[] {1f, 0.2f, 0f, 0.4f, 0f, 0.6f}, 3, 1, 2);
  }

  @Test
  void applyOp_invert_isOneMinusX() {
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.INVERT, row(0.2f, 0.75f, 1f), 0.9, false)))
        .containsExactly(new float[] {0.8f, 0.25f, 0f}, within(1e-6f));
  }

  @Test
  void applyOp_solarizeAdd_addsOnlyBelowTheThreshold() {
    // level 0.9 (m9) → ⌊0.9·110⌋ = 99 added to 8-bit values below 128
    float[] out = Tensors.toFloatArray(RandAugment.applyOp(Op.SOLARIZE_ADD,
        row(0f, 100 / 255f, 127 / 255f, 128 / 255f, 200 / 255f), 0.9, false));
    assertThat(out).containsExactly(new float[] {99 / 255f, 199 / 255f, 226 / 255f, 128 / 255f, 200 / 255f},
        within(1e-6f));
    // level 0.5 → ⌊55⌋
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.SOLARIZE_ADD, row(10 / 255f), 0.5, true)))
        .containsExactly(new float[] {65 / 255f}, within(1e-6f));
  }

  @Test
  void color_factorZeroOneAndAbove_greyIdentityAndClamped() {
    float l0 = 0.299f;
    float l1 = 0.299f * 0.2f + 0.587f * 0.4f + 0.114f * 0.6f;
    assertThat(Tensors.toFloatArray(PilEnhance.color(twoRgbPixels(), 0)))
        .containsExactly(new float[] {l0, l1, l0, l1, l0, l1}, within(1e-6f));
    assertThat(Tensors.toFloatArray(PilEnhance.color(twoRgbPixels(), 1)))
        .containsExactly(Tensors.toFloatArray(twoRgbPixels()), within(1e-6f));
    // factor 1.5: red 0.299 + 1.5·0.701 > 1 → 1, green 0.299 − 1.5·0.299 < 0 → 0
    float[] out = Tensors.toFloatArray(PilEnhance.color(twoRgbPixels(), 1.5));
    assertThat(out[0]).isEqualTo(1f);
    assertThat(out[2]).isEqualTo(0f);
    assertThat(out[3]).isCloseTo(l1 + 1.5f * (0.4f - l1), within(1e-6f));
  }

  @Test
  void applyOp_colorOnOneChannel_isUnchanged() {
    Tensor grey = row(0.1f, 0.5f, 0.9f);
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.COLOR, grey, 1, true))).containsExactly(0.1f, 0.5f, 0.9f);
    // level 1 negated → factor max(0.1, 1 − 0.9) = 0.1 toward the grey image
    float[] out = Tensors.toFloatArray(RandAugment.applyOp(Op.COLOR, twoRgbPixels(), 1, true));
    assertThat(out[0]).isCloseTo(0.299f + 0.1f * (1 - 0.299f), within(1e-6f));
  }

  @Test
  void applyOp_translateWithMeanFill_fillsTheUncoveredColumnsWithTheRoundedMean() {
    int h = 4;
    int w = 6;
    float[] img = new float[3 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          img[(c * h + y) * w + x] = (x + 1) / 10f + c / 100f + y / 1000f;
        }
      }
    }
    double[] mean = {0.485, 0.456, 0.406}; // × 255 = 123.675, 116.28, 103.53 → 124, 116, 104
    float[] fill = {124 / 255f, 116 / 255f, 104 / 255f};
    double level = (2.0 / w) / 0.45; // 2 pixels, negated = to the right
    float[] out = Tensors.toFloatArray(RandAugment.applyOp(Op.TRANSLATE_X, Tensors.floats(img, 3, h, w), level, true,
        mean));
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float expected = x < 2 ? fill[c] : img[(c * h + y) * w + x - 2];
          assertThat(out[(c * h + y) * w + x]).as("c %d y %d x %d", c, y, x).isCloseTo(expected, within(1e-5f));
        }
      }
    }
    // without a fill the uncovered columns are 0
    float[] zeroFilled = Tensors.toFloatArray(RandAugment.applyOp(Op.TRANSLATE_X, Tensors.floats(img, 3, h, w),
        level, true));
    assertThat(zeroFilled[0]).isCloseTo(0f, within(1e-6f));
  }

  @Test
  void apply_withFill_checksChannelsAndRange() {
    RandAugment ra = RandAugment.parse("rand-m9-mstd0.5-inc1", new SplittableRandom(1)).withFill(new double[] {0.5});
    assertThat(ra.fill()).containsExactly(128 / 255.0); // 127.5 rounds half to even → 128
    assertThatThrownBy(() -> ra.apply(Tensors.zeros(3, 4, 4))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 channels").hasMessageContaining("has 3");
    assertThatThrownBy(() -> ra.withFill(new double[] {1.5})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1.5]");
    assertThatThrownBy(() -> ra.apply(Tensors.zeros(2, 4, 4))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[2, 4, 4]");
  }

  @Test
  void draw_manyTimes_coversTheFifteenTimmOpsAndNoIdentity() {
    RandAugment ra = RandAugment.parse("rand-m9-mstd0.5-inc1", new SplittableRandom(7));
    Set<Op> seen = EnumSet.noneOf(Op.class);
    Set<String> names = new TreeSet<>();
    int applied = 0;
    double levelSum = 0;
    int draws = 3000;
    for (int i = 0; i < draws; i++) {
      RandAugment.Draw d = ra.draw();
      seen.add(d.op());
      names.add(d.op().name());
      applied += d.applied() ? 1 : 0;
      levelSum += d.level();
      assertThat(d.level()).isBetween(0.0, 1.0);
    }
    assertThat(names).containsExactlyInAnyOrder("AUTO_CONTRAST", "EQUALIZE", "INVERT", "ROTATE", "POSTERIZE",
        "SOLARIZE", "SOLARIZE_ADD", "COLOR", "CONTRAST", "BRIGHTNESS", "SHARPNESS", "SHEAR_X", "SHEAR_Y",
        "TRANSLATE_X", "TRANSLATE_Y");
    assertThat(seen).hasSize(15);
    assertThat(names).noneMatch(n -> n.contains("IDENTITY"));
    assertThat(applied / (double) draws).isCloseTo(0.5, within(0.03));
    // m 9 ± 0.5, clipped at 10: mean level ≈ 0.9
    assertThat(levelSum / draws).isCloseTo(0.9, within(0.005));
  }
}

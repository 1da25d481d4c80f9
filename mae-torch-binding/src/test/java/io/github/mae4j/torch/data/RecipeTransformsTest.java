package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Interpolation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecipeTransformsTest {
  private static final io.github.mae4j.api.recipe.Normalization GRAY =
      io.github.mae4j.api.recipe.Normalization.of(new double[] {0.5}, new double[] {0.25});

  @Test
  void train_pretrainAugmentation_isRandomResizedCropFlipNormalize() {
    Transform t = RecipeTransforms.train(Augmentation.pretrain(), 16, GRAY);
    assertThat(t).isInstanceOf(PretrainTransform.class);
    PretrainTransform p = (PretrainTransform) t;
    assertThat(p.crop().scaleMin()).isEqualTo(0.2);
    assertThat(p.crop().ratioMax()).isCloseTo(4.0 / 3.0, within(1e-12));
    assertThat(p.normalization().mean()).containsExactly(0.5);
    // a constant 0.75 image stays 0.75 through crop and flip, then (0.75 − 0.5) / 0.25 = 1
    float[] v = new float[30 * 40];
    java.util.Arrays.fill(v, 0.75f);
    Sample out = t.apply(new Sample(v, 1, 30, 40, 0), new SplittableRandom(1));
    assertThat(out.chw()).hasSize(256);
    for (float x : out.chw()) {
      assertThat(x).isCloseTo(1f, within(2e-6f));
    }
  }

  @Test
  void eval_evalCropPct_setsTheResize() {
    EvalTransform e = RecipeTransforms.eval(Augmentation.pretrain(), 224, GRAY);
    assertThat(e.resize()).isEqualTo(256);
    assertThat(e.crop()).isEqualTo(224);
  }

  @Test
  void train_noRandomCrop_resizesAndCenterCrops() {
    Transform t = RecipeTransforms.train(Augmentation.none(), 8, GRAY);
    Sample out = t.apply(new Sample(new float[12 * 20], 1, 12, 20, 3), new SplittableRandom(0));
    assertThat(new int[] {out.height(), out.width(), out.label()}).containsExactly(8, 8, 3);
    for (float x : out.chw()) {
      assertThat(x).isCloseTo(-2f, within(1e-6f));
    }
  }

  @Test
  void train_fineTuningAugmentations_areRejectedNamingTheFineTuner() {
    assertThatThrownBy(() -> RecipeTransforms.train(Augmentation.finetune(), 224, GRAY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("randAugment")
        .hasMessageContaining("mae finetune");
    Augmentation erasing = Augmentation.builder().randomErasing(0.25).build();
    assertThatThrownBy(() -> RecipeTransforms.train(erasing, 224, GRAY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("randomErasing")
        .hasMessageContaining("fine-tuner");
  }

  @Test
  void eval_nearestInterpolation_halvesByTakingEveryOtherPixel() {
    // 4×4 → resize to 2 (shorter side 2 / evalCropPct 1.0) → centre crop 2: PIL NEAREST takes rows/cols 1 and 3
    Augmentation nearest = Augmentation.builder().interpolation(Interpolation.NEAREST).evalCropPct(1.0).build();
    float[] px = new float[16];
    for (int i = 0; i < 16; i++) {
      px[i] = i;
    }
    Sample out = RecipeTransforms.eval(nearest, 2, io.github.mae4j.api.recipe.Normalization.identity(1))
        .apply(new Sample(px, 1, 4, 4, 0), new SplittableRandom(0));
    assertThat(out.chw()).containsExactly(5f, 7f, 13f, 15f);
  }
}

package io.github.mae4j.torch.downstream.aug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Interpolation;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.data.Resampler;
import io.github.mae4j.torch.data.RandomResizedCrop;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class RandomCropFlipTest {
  @BeforeAll
  static void load() {
    Torch.load();
  }

  /** n images [n, 2, 8, 8] with a value unique per position: i·1000 + c·100 + y·8 + x. */
  private static Tensor ramp(int n) {
    float[] v = new float[n * 2 * 64];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 2; c++) {
        for (int p = 0; p < 64; p++) {
          v[(i * 2 + c) * 64 + p] = i * 1000 + c * 100 + p;
        }
      }
    }
    return Tensors.floats(v, n, 2, 8, 8);
  }

  @ParameterizedTest
  @EnumSource(Interpolation.class)
  void apply_randomCrop_givesTheOutputSide(Interpolation interpolation) {
    Augmentation aug = Augmentation.builder().cropScaleMin(0.3).interpolation(interpolation).build();
    Tensor out = new RandomCropFlip(aug, 6).apply(ramp(3), new SplittableRandom(1));
    assertThat(new long[] {out.size(0), out.size(1), out.size(2), out.size(3)}).containsExactly(3, 2, 6, 6);
    for (float v : Tensors.toFloatArray(out)) {
      // every interpolation stays within the input's range [0, 2163] give or take bicubic overshoot
      assertThat(v).isBetween(-300f, 2500f);
    }
  }

  @ParameterizedTest
  @EnumSource(Interpolation.class)
  void apply_fullScaleSquareNoFlip_leavesImagesUnchanged(Interpolation interpolation) {
    Augmentation aug = Augmentation.builder().cropScaleMin(1).cropScaleMax(1).cropRatioMin(1).cropRatioMax(1)
        .horizontalFlip(false).interpolation(interpolation).build();
    Tensor in = ramp(4);
    Tensor out = new RandomCropFlip(aug, 8).apply(in, new SplittableRandom(2));
    assertThat(Tensors.toFloatArray(out)).containsExactly(Tensors.toFloatArray(in));
  }

  @Test
  void apply_flipOnly_reversesTheWidthAxisOfSomeImagesAndKeepsTheOthers() {
    Augmentation aug = Augmentation.builder().randomResizedCrop(false).horizontalFlip(true).build();
    int n = 32;
    float[] in = Tensors.toFloatArray(ramp(n));
    float[] out = Tensors.toFloatArray(new RandomCropFlip(aug, 8).apply(ramp(n), new SplittableRandom(3)));
    int flipped = 0;
    for (int i = 0; i < n; i++) {
      boolean same = true;
      boolean mirrored = true;
      for (int c = 0; c < 2; c++) {
        for (int y = 0; y < 8; y++) {
          for (int x = 0; x < 8; x++) {
            float o = out[((i * 2 + c) * 8 + y) * 8 + x];
            same &= o == in[((i * 2 + c) * 8 + y) * 8 + x];
            mirrored &= o == in[((i * 2 + c) * 8 + y) * 8 + 7 - x];
          }
        }
      }
      assertThat(same || mirrored).as("image %d is itself or its mirror", i).isTrue();
      flipped += mirrored ? 1 : 0;
    }
    // p = 1/2 over 32 images: both outcomes occur
    assertThat(flipped).isBetween(4, 28);
  }

  @Test
  void apply_cropAtOutputSize_copiesTheBoxDrawnByRandomResizedCrop() {
    // a quarter of the area, square: a 4×4 box resized to 4×4 is the box itself
    Augmentation aug = Augmentation.builder().cropScaleMin(0.25).cropScaleMax(0.25).cropRatioMin(1).cropRatioMax(1)
        .horizontalFlip(false).build();
    float[] out = Tensors.toFloatArray(new RandomCropFlip(aug, 4).apply(ramp(1), new SplittableRandom(4)));
    RandomResizedCrop.Box b = new RandomResizedCrop(4, 0.25, 0.25, 1, 1, Resampler.pil())
        .box(8, 8, new SplittableRandom(4));
    for (int c = 0; c < 2; c++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          assertThat(out[(c * 4 + y) * 4 + x]).isEqualTo(c * 100 + (b.top() + y) * 8 + b.left() + x);
        }
      }
    }
  }

  @Test
  void apply_bilinearUpscaleOfAConstantImage_staysConstant() {
    Augmentation aug = Augmentation.builder().cropScaleMin(0.3).horizontalFlip(false)
        .interpolation(Interpolation.BILINEAR).build();
    Tensor in = Tensors.floats(new float[64], 1, 1, 8, 8).add(Tensors.scalar(0.75));
    assertThat(Tensors.toFloatArray(new RandomCropFlip(aug, 12).apply(in, new SplittableRandom(5))))
        .hasSize(144).containsOnly(0.75f);
  }

  @Test
  void apply_notABatch_throws() {
    assertThatThrownBy(() -> new RandomCropFlip(Augmentation.pretrain(), 8).apply(Tensors.zeros(1, 8, 8),
        new SplittableRandom(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, C, H, W]");
  }

  @org.junit.jupiter.api.Test
  void apply_nonSquareOutput_givesHeightByWidthImages() {
    Augmentation aug = Augmentation.builder().randomResizedCrop(true).horizontalFlip(true).build();
    Tensor in = Tensors.floats(new float[2 * 3 * 12 * 16], 2, 3, 12, 16).add(new org.bytedeco.pytorch.Scalar(0.5));
    Tensor out = new RandomCropFlip(aug, 7, 5).apply(in, new SplittableRandom(1));
    assertThat(out.shape()).containsExactly(2, 3, 7, 5);
    // a constant image stays constant under any crop and flip
    float[] v = Tensors.toFloatArray(out);
    assertThat(v).hasSize(2 * 3 * 7 * 5);
    for (float x : v) {
      assertThat(x).isCloseTo(0.5f, org.assertj.core.api.Assertions.within(1e-5f));
    }
  }
}

package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransformTest {
  private static Sample ramp(int c, int h, int w) {
    float[] v = new float[c * h * w];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i % 97) / 97f;
    }
    return new Sample(v, c, h, w, 4);
  }

  @Test
  void randomResizedCrop_anyInputSize_givesSquareOutputOfSize() {
    PretrainTransform t = PretrainTransform.randomResizedCrop(24).hflip();
    for (int[] hw : new int[][] {{50, 70}, {24, 24}, {10, 300}, {13, 9}}) {
      Sample out = t.apply(ramp(3, hw[0], hw[1]), new SplittableRandom(1));
      assertThat(out.channels()).isEqualTo(3);
      assertThat(out.height()).isEqualTo(24);
      assertThat(out.width()).isEqualTo(24);
      assertThat(out.label()).isEqualTo(4);
    }
  }

  @Test
  void randomResizedCrop_sameSeed_sameOutput_otherSeed_otherOutput() {
    PretrainTransform t = PretrainTransform.randomResizedCrop(16).hflip().normalize(Normalization.imagenet());
    Sample in = ramp(3, 40, 50);
    float[] a = t.apply(in, new SplittableRandom(42)).chw();
    float[] b = t.apply(in, new SplittableRandom(42)).chw();
    float[] c = t.apply(in, new SplittableRandom(43)).chw();
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void box_staysInsideImage_andAreaWithinScaleRange() {
    RandomResizedCrop crop = PretrainTransform.randomResizedCrop(8, 0.2, 1.0).crop();
    SplittableRandom rng = new SplittableRandom(7);
    for (int i = 0; i < 2000; i++) {
      RandomResizedCrop.Box b = crop.box(60, 80, rng);
      assertThat(b.top()).isBetween(0, 60 - b.height());
      assertThat(b.left()).isBetween(0, 80 - b.width());
      double area = (double) b.height() * b.width() / (60 * 80);
      assertThat(area).isBetween(0.18, 1.0);
      double ratio = (double) b.width() / b.height();
      assertThat(ratio).isBetween(0.7, 1.43);
    }
  }

  @Test
  void box_impossibleRatio_fallsBackToCenterCropClampedToRatio() {
    RandomResizedCrop crop = new RandomResizedCrop(8, 0.99, 1.0, 3.0 / 4, 4.0 / 3, Resampler.pil());
    RandomResizedCrop.Box b = crop.box(10, 100, new SplittableRandom(0)); // 10:1, wider than 4/3 allows
    assertThat(b).isEqualTo(new RandomResizedCrop.Box(0, 43, 10, 13));
  }

  @Test
  void flip_mirrorsEveryRowOfEveryChannel() {
    Sample in = new Sample(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 3, 0);
    Sample out = HorizontalFlip.flip(in);
    assertThat(out.chw()).containsExactly(3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10);
    assertThat(in.chw()[0]).isEqualTo(1); // input untouched
  }

  @Test
  void hflip_probabilityOneAlwaysFlips_zeroNever() {
    Sample in = ramp(1, 3, 5);
    assertThat(new HorizontalFlip(1).apply(in, new SplittableRandom(3)).chw()).isEqualTo(HorizontalFlip.flip(in).chw());
    assertThat(new HorizontalFlip(0).apply(in, new SplittableRandom(3)).chw()).isEqualTo(in.chw());
    int flips = 0;
    SplittableRandom rng = new SplittableRandom(9);
    for (int i = 0; i < 1000; i++) {
      if (new HorizontalFlip(0.5).apply(in, rng) != in) {
        flips++;
      }
    }
    assertThat(flips).isBetween(430, 570);
  }

  @Test
  void normalize_subtractsMeanAndDividesByStdPerChannel() {
    Sample in = new Sample(new float[] {0.5f, 1f, 0f, 0.2f}, 2, 1, 2, 0);
    Normalization n = Normalization.of(new double[] {0.5, 0.1}, new double[] {0.25, 0.5});
    float[] out = n.apply(in, new SplittableRandom(0)).chw();
    assertThat(out).containsExactly(new float[] {0f, 2f, -0.2f, 0.2f}, within(1e-6f));
    assertThat(Normalization.none().apply(in, new SplittableRandom(0)).chw()).isEqualTo(in.chw());
  }

  @Test
  void normalize_imagenetRedChannel_matchesFormula() {
    Sample white = new Sample(new float[] {1f, 1f, 1f}, 3, 1, 1, 0);
    float[] out = Normalization.imagenet().apply(white, new SplittableRandom(0)).chw();
    assertThat(out[0]).isCloseTo((float) ((1 - 0.485) / 0.229), within(1e-5f));
    assertThat(out[2]).isCloseTo((float) ((1 - 0.406) / 0.225), within(1e-5f));
  }

  @Test
  void normalize_wrongChannelCountOrBadStd_isRejected() {
    Sample gray = new Sample(new float[1], 1, 1, 1, 0);
    assertThatThrownBy(() -> Normalization.imagenet().apply(gray, new SplittableRandom(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 channels but the images have 1");
    assertThatThrownBy(() -> Normalization.of(new double[] {0.5}, new double[] {0}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("std");
    assertThatThrownBy(() -> Normalization.of(new double[] {0.5, 0.5}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 means and 1 stds");
  }

  @Test
  void estimate_knownPixels_givesTheirMeanAndPopulationStd() {
    // two 1-channel 1×2 images: values 0, 1 and 0.5, 0.5 → mean 0.5, std sqrt(0.125)
    ImageDataset ds = new DataLoaderTest.Numbered(2, java.util.Set.of()) {
      @Override
      public Sample read(int index) {
        return new Sample(index == 0 ? new float[] {0f, 1f} : new float[] {0.5f, 0.5f}, 1, 1, 2, 0);
      }
    };
    Normalization n = Normalization.estimate(ds, 10);
    assertThat(n.mean()[0]).isCloseTo(0.5, within(1e-9));
    assertThat(n.std()[0]).isCloseTo(Math.sqrt(0.125), within(1e-9));
  }

  @Test
  void evalTransform_resizesShorterSideAndCropsTheCenter() {
    // 3 columns of distinct values in a 20×60 image; resize 20 (no-op), crop 20 keeps the middle third
    float[] v = new float[20 * 60];
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 60; x++) {
        v[y * 60 + x] = x / 20;
      }
    }
    Sample out = EvalTransform.resizeCenterCrop(20, 20).apply(new Sample(v, 1, 20, 60, 2), new SplittableRandom(0));
    assertThat(out.height()).isEqualTo(20);
    assertThat(out.width()).isEqualTo(20);
    assertThat(out.chw()).containsOnly(1f);
    Sample big = EvalTransform.centerCrop(224).apply(ramp(3, 300, 400), new SplittableRandom(0));
    assertThat(new int[] {big.channels(), big.height(), big.width()}).containsExactly(3, 224, 224);
    assertThat(EvalTransform.centerCrop(224).resize()).isEqualTo(256);
  }

  @Test
  void randomResizedCrop_nonSquareSize_givesHeightByWidthOutput() {
    PretrainTransform t = PretrainTransform.randomResizedCrop(28, 20, 0.2, 1.0).hflip();
    assertThat(new int[] {t.size(), t.width()}).containsExactly(28, 20);
    for (int[] hw : new int[][] {{50, 70}, {28, 20}, {10, 300}, {13, 9}}) {
      Sample out = t.apply(ramp(3, hw[0], hw[1]), new SplittableRandom(1));
      assertThat(new int[] {out.channels(), out.height(), out.width()}).containsExactly(3, 28, 20);
      assertThat(out.chw()).hasSize(3 * 28 * 20).doesNotContain(Float.NaN);
    }
    // the box is drawn as for a square output: same seed, same box
    RandomResizedCrop square = PretrainTransform.randomResizedCrop(28, 0.2, 1.0).crop();
    assertThat(t.crop().box(50, 70, new SplittableRandom(5))).isEqualTo(square.box(50, 70, new SplittableRandom(5)));
  }

  @Test
  void evalTransform_nonSquareCrop_cropsTheCentreHeightByWidth() {
    // column index as value in a 30×40 image: no resize (shorter side 30), a 30×20 crop keeps columns 10..29
    float[] v = new float[30 * 40];
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        v[y * 40 + x] = x;
      }
    }
    Sample out = EvalTransform.resizeCenterCrop(30, 30, 20).apply(new Sample(v, 1, 30, 40, 2),
        new SplittableRandom(0));
    assertThat(new int[] {out.height(), out.width()}).containsExactly(30, 20);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 20; x++) {
        assertThat(out.chw()[y * 20 + x]).isEqualTo(10f + x);
      }
    }
    Sample landscape = EvalTransform.resizeCenterCrop(32, 28, 20).apply(ramp(3, 300, 400), new SplittableRandom(0));
    assertThat(new int[] {landscape.channels(), landscape.height(), landscape.width()}).containsExactly(3, 28, 20);
    assertThatThrownBy(() -> EvalTransform.resizeCenterCrop(24, 20, 28))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20×28");
  }
}

package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The 8-bit path ({@link CropResize}, {@link PretrainTransform#apply(Pixels8, int, int,
 * java.util.random.RandomGenerator)}) against the float path it replaces for JPEGs: convert the whole image, then
 * crop-resize, flip and normalize. To the bit where the crop is at least as tall as the output (both run the
 * vertical pass first), within float rounding elsewhere.
 */
class CropResizeTest {
  private static final Normalization IMAGENET = Normalization.imagenet();

  /** BGR or gray bytes, rows padded to {@code stride} bytes. */
  private static Pixels8 pixels(byte[] packed, int h, int w, int c, int stride) {
    byte[] padded = new byte[(h - 1) * stride + w * c];
    for (int y = 0; y < h; y++) {
      System.arraycopy(packed, y * w * c, padded, y * stride, w * c);
    }
    return new Pixels8(MemorySegment.ofArray(padded), h, w, c, stride);
  }

  private static byte[] noise(int n, SplittableRandom r) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  /** The float path: whole image to floats, crop-resize, flip, normalize. */
  private static float[] floatPath(byte[] packed, int h, int w, int c, int channels, RandomResizedCrop.Box b,
      Resampler r, int outH, int outW, boolean flip, Normalization n) {
    float[] chw = c == 3 ? ChannelConversion.fromBgrBytes(packed, h * w, channels)
        : ChannelConversion.fromGrayBytes(packed, h * w, channels);
    Sample s = new Sample(chw, channels, h, w, 0);
    s = s.withPixels(r.resize(chw, channels, h, w, b.top(), b.left(), b.height(), b.width(), outH, outW), channels,
        outH, outW);
    if (flip) {
      s = HorizontalFlip.flip(s);
    }
    return n.apply(s, null).chw();
  }

  @Test
  void equalsTheFloatPathForEveryFilterChannelConversionAndBox() {
    SplittableRandom r = new SplittableRandom(11);
    int h = 75;
    int w = 100;
    Resampler[] filters = {Resampler.pil(), Resampler.pilBilinear(), Resampler.pilNearest(), Resampler.torch()};
    int bitEqual = 0;
    int cases = 0;
    for (int c : new int[] {3, 1}) { // BGR, gray
      byte[] packed = noise(h * w * c, r);
      Pixels8 px = pixels(packed, h, w, c, w * c + 5);
      for (int channels : new int[] {3, 1}) {
        Normalization n = channels == 3 ? IMAGENET : Normalization.of(new double[] {0.3}, new double[] {0.2});
        for (Resampler f : filters) {
          for (int i = 0; i < 12; i++) {
            int ch = 1 + r.nextInt(h);
            int cw = 1 + r.nextInt(w);
            var box = new RandomResizedCrop.Box(r.nextInt(h - ch + 1), r.nextInt(w - cw + 1), ch, cw);
            int outH = 1 + r.nextInt(64);
            int outW = 1 + r.nextInt(64);
            boolean flip = r.nextBoolean();
            Normalization norm = i % 3 == 0 ? Normalization.none() : n;
            float[] fast = CropResize.run(px, channels, box.top(), box.left(), box.height(), box.width(), f, outH,
                outW, flip, norm);
            float[] slow = floatPath(packed, h, w, c, channels, box, f, outH, outW, flip, norm);
            assertThat(fast).hasSize(slow.length);
            for (int k = 0; k < slow.length; k++) {
              assertThat(fast[k]).as("%s c=%d→%d box %s out %dx%d value %d", f.a(), c, channels, box, outH, outW, k)
                  .isCloseTo(slow[k], org.assertj.core.data.Offset.offset(2e-6f));
            }
            cases++;
            if (outH <= box.height()) {
              assertThat(fast).as("vertical pass first on both paths: the same sums").isEqualTo(slow);
              bitEqual++;
            }
          }
        }
      }
    }
    assertThat(cases).isEqualTo(192);
    assertThat(bitEqual).isGreaterThan(20);
  }

  @Test
  void aJpegThroughTheDecoderGivesWhatTheFloatPathGives() throws IOException {
    SplittableRandom r = new SplittableRandom(5);
    BufferedImage color = ImageDecoderTest.photo(500, 375, r);
    BufferedImage gray = new BufferedImage(160, 120, BufferedImage.TYPE_BYTE_GRAY);
    gray.getGraphics().drawImage(ImageDecoderTest.photo(160, 120, r), 0, 0, null);
    byte[][] jpegs = {ImageDecoderTest.imageioJpeg(color, 0.9f), ImageDecoderTest.imageioJpeg(gray, 0.9f)};
    PretrainTransform t = PretrainTransform.randomResizedCrop(224).hflip().normalize(IMAGENET);
    PretrainTransform t1 = PretrainTransform.randomResizedCrop(96, 0.35, 1.0)
        .normalize(Normalization.of(new double[] {0.286}, new double[] {0.353}));
    for (byte[] jpeg : jpegs) {
      for (int seed = 0; seed < 16; seed++) {
        Sample fast = ImageDecoder.readTransformed(jpeg, "x.jpg", 3, 4, t, new SplittableRandom(seed));
        Sample slow = t.apply(ImageDecoder.read(jpeg, "x.jpg", 3, 4, 1), new SplittableRandom(seed));
        assertThat(fast.label()).isEqualTo(4);
        assertThat(new int[] {fast.channels(), fast.height(), fast.width()}).containsExactly(3, 224, 224);
        assertThat(maxDifference(fast.chw(), slow.chw())).isLessThan(2e-6);
        Sample fast1 = ImageDecoder.readTransformed(jpeg, "x.jpg", 1, -1, t1, new SplittableRandom(seed));
        Sample slow1 = t1.apply(ImageDecoder.read(jpeg, "x.jpg", 1, -1, 1), new SplittableRandom(seed));
        assertThat(fast1.channels()).isEqualTo(1);
        assertThat(maxDifference(fast1.chw(), slow1.chw())).isLessThan(2e-6);
      }
    }
  }

  @Test
  void aLargePhotosCropIsDecodedAtReducedSizeWhenItStaysTwiceTheOutput() throws IOException {
    assertThat(ImageDecoder.reductionForCrop(1500, 2000, 224, 224)).isEqualTo(2); // 750 ≥ 448, 375 < 448
    assertThat(ImageDecoder.reductionForCrop(1800, 3600, 224, 224)).isEqualTo(4); // 450 ≥ 448 at ¼
    assertThat(ImageDecoder.reductionForCrop(895, 4000, 224, 224)).isEqualTo(1); // 447 < 448 at ½
    assertThat(ImageDecoder.reductionForCrop(4000, 4000, 224, 224)).isEqualTo(8); // at most ⅛
    assertThat(ImageDecoder.reductionForCrop(375, 500, 224, 224)).isEqualTo(1); // ImageNet-sized: in full
    byte[] big = ImageDecoderTest.imageioJpeg(ImageDecoderTest.photo(2000, 1500, new SplittableRandom(3)), 0.9f);
    PretrainTransform t = PretrainTransform.randomResizedCrop(224).hflip(); // unnormalized: levels are v · 255
    Sample fullImage = ImageDecoder.read(big, "big.jpg", 3, 0, 1);
    int reduced = 0;
    for (int seed = 0; seed < 12; seed++) {
      PretrainTransform.Draw d = t.draw(1500, 2000, new SplittableRandom(seed));
      int r = ImageDecoder.reductionForCrop(d.box().height(), d.box().width(), 224, 224);
      Sample fast = ImageDecoder.readTransformed(big, "big.jpg", 3, 0, t, new SplittableRandom(seed));
      if (r == 1) {
        Sample full = t.apply(fullImage, new SplittableRandom(seed));
        assertThat(maxDifference(fast.chw(), full.chw())).as("seed %d decoded in full", seed).isLessThan(2e-6);
        continue;
      }
      reduced++;
      // the box the reduced decode used, on whole pixels of its grid: at most half a pixel from the drawn edges
      RandomResizedCrop.Box small = d.boxIn(1500 / r, 2000 / r);
      assertThat(Math.abs(small.top() * r - d.box().top())).isLessThanOrEqualTo(r / 2);
      assertThat(Math.abs((small.left() + small.width()) * r - d.box().left() - d.box().width()))
          .isLessThanOrEqualTo(r / 2);
      // against a full decode cropped to that same region: what remains is DCT scaling against resampling
      var same = new RandomResizedCrop.Box(small.top() * r, small.left() * r, small.height() * r, small.width() * r);
      Sample full = t.apply(fullImage, new PretrainTransform.Draw(1500, 2000, same, d.flip()));
      float[] a = fast.chw();
      float[] b = full.chw();
      double sum = 0;
      double max = 0;
      for (int i = 0; i < a.length; i++) {
        sum += Math.abs(a[i] - b[i]);
        max = Math.max(max, Math.abs(a[i] - b[i]));
      }
      System.out.printf(java.util.Locale.ROOT, "seed %d at 1/%d: mean %.3f, max %.2f levels%n", seed, r,
          sum / a.length * 255, max * 255);
      assertThat(sum / a.length * 255).as("seed %d at 1/%d: mean difference in levels", seed, r).isLessThan(0.5);
      assertThat(max * 255).as("seed %d at 1/%d: max difference in levels", seed, r).isLessThan(8);
    }
    assertThat(reduced).as("crops of scale 0.2–1 of a 2000×1500 photo: most allow ½").isGreaterThan(3);
  }

  @Test
  void anEvalCropFromThePixelsEqualsResizeThenCrop() throws IOException {
    SplittableRandom r = new SplittableRandom(9);
    byte[] landscape = ImageDecoderTest.imageioJpeg(ImageDecoderTest.photo(500, 375, r), 0.9f);
    byte[] portrait = ImageDecoderTest.imageioJpeg(ImageDecoderTest.photo(301, 433, r), 0.9f);
    byte[] small = ImageDecoderTest.imageioJpeg(ImageDecoderTest.photo(200, 150, r), 0.9f); // upscaled to 256
    byte[] big = ImageDecoderTest.imageioJpeg(ImageDecoderTest.photo(2000, 1500, r), 0.9f); // decoded at 1/2
    EvalTransform[] evals = {EvalTransform.centerCrop(224).normalize(IMAGENET),
        new EvalTransform(160, 144, 128, Normalization.none(), Resampler.pilBilinear())};
    for (byte[] jpeg : new byte[][] {landscape, portrait, small, big}) {
      for (EvalTransform e : evals) {
        for (int channels : new int[] {3, 1}) {
          EvalTransform t = channels == 1 ? e.normalize(Normalization.none()) : e;
          Sample fast = ImageDecoder.readTransformed(jpeg, "x.jpg", channels, 2, t, new SplittableRandom(0));
          int reduction = ImageDecoder.reductionFor(jpeg, t.resize());
          Sample slow = t.apply(ImageDecoder.read(jpeg, "x.jpg", channels, 2, reduction), new SplittableRandom(0));
          assertThat(new int[] {fast.channels(), fast.height(), fast.width(), fast.label()})
              .containsExactly(channels, t.crop(), t.cropWidth(), 2);
          assertThat(maxDifference(fast.chw(), slow.chw())).as("%s, %d channels", t, channels).isLessThan(2e-6);
          if (jpeg != small) {
            assertThat(fast.chw()).as("shrinking: the same sums as the float path").isEqualTo(slow.chw());
          }
        }
      }
    }
    assertThat(ImageDecoder.reductionFor(big, 256)).isEqualTo(2);
    assertThatThrownBy(() -> CropResize.run(pixels(new byte[30 * 3 * 40], 30, 40, 3, 120), 3, 0, 0, 30, 40,
        Resampler.pil(), 20, 20, 5, 0, 16, 20, false, IMAGENET)).hasMessageContaining("leaves the 20x20 output");
  }

  @Test
  void refusesABoxOutsideTheImageAndChannelCountsOtherThanOneOrThree() {
    Pixels8 px = pixels(new byte[12 * 10 * 3], 10, 12, 3, 36);
    assertThatThrownBy(() -> CropResize.run(px, 3, 5, 0, 6, 12, Resampler.pil(), 4, 4, false, IMAGENET))
        .hasMessageContaining("leaves the 10x12 image");
    assertThatThrownBy(() -> CropResize.run(px, 2, 0, 0, 10, 12, Resampler.pil(), 4, 4, false,
        Normalization.none())).hasMessageContaining("1 or 3 channels, got 2");
    assertThatThrownBy(() -> new Pixels8(MemorySegment.ofArray(new byte[100]), 10, 12, 3, 36))
        .hasMessageContaining("does not hold 10 rows");
  }

  private static double maxDifference(float[] a, float[] b) {
    assertThat(a).hasSize(b.length);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}

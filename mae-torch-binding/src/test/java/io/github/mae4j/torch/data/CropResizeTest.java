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

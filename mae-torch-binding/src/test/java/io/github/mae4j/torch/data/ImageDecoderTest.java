package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.javacpp.IntPointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenCV (libjpeg-turbo) path of {@link ImageDecoder} against the javax.imageio path: same pixels within a
 * stated tolerance on real-sized JPEGs, the same refusals (pixel limit before decoding, truncation), the same
 * conversions, and the fallback for what the fast path does not take.
 */
class ImageDecoderTest {
  /** Largest difference of one value, in 8-bit levels, between libjpeg-turbo's and the JDK's decoding. */
  static final int MAX_LEVELS = 1;

  @TempDir Path root;

  @Test
  void jpegDecoder_default_isOpenCvBecauseItsNativesLoad() throws Exception {
    assertThat(OpenCvJpeg.unavailableBecause()).isEmpty();
    assertThat(with("auto", ImageDecoder::jpegDecoder)).isEqualTo(ImageDecoder.Kind.OPENCV);
    assertThat(with("imageio", ImageDecoder::jpegDecoder)).isEqualTo(ImageDecoder.Kind.IMAGEIO);
    assertThat(with("OpenCV", ImageDecoder::jpegDecoder)).isEqualTo(ImageDecoder.Kind.OPENCV);
    assertThatThrownBy(() -> with("turbo", ImageDecoder::jpegDecoder)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-Dmae4j.decoder must be auto, imageio or opencv, got 'turbo'");
  }

  @Test
  void read_realSizedJpegs_equalImageioWithinOneLevel() throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    // 4:2:0 from the JDK's writer, and 4:2:0 / 4:4:4 / progressive from OpenCV's (libjpeg-turbo) encoder
    byte[][] files = {imageioJpeg(photo(500, 375, r), 0.9f), imageioJpeg(photo(375, 500, r), 0.75f),
        opencvJpeg(photo(500, 375, r), 90, 420, false), opencvJpeg(photo(333, 251, r), 95, 444, false),
        opencvJpeg(photo(500, 375, r), 90, 420, true), opencvJpeg(photo(301, 199, r), 90, 422, false)};
    for (int i = 0; i < files.length; i++) {
      byte[] f = files[i];
      String name = "f" + i;
      assertThat(JpegHeader.parse(f).orElseThrow().fastPathExact()).as("file %d", i).isTrue();
      for (int channels : new int[] {3, 1}) {
        Sample slow = with("imageio", () -> ImageDecoder.read(f, name, channels, 4, 1));
        Sample fast = with("opencv", () -> ImageDecoder.read(f, name, channels, 4, 1));
        assertThat(new int[] {fast.channels(), fast.height(), fast.width(), fast.label()}).as("file %d", i)
            .containsExactly(slow.channels(), slow.height(), slow.width(), 4);
        double[] d = difference(slow.chw(), fast.chw());
        System.out.printf(java.util.Locale.ROOT, "opencv vs imageio, file %d, %d channel(s): max %.3f levels, mean %.4f%n",
            i, channels, d[0] * 255, d[1] * 255);
        assertThat(d[0] * 255).as("file %d, %d channels: max difference in levels", i, channels)
            .isLessThanOrEqualTo(MAX_LEVELS + 1e-3);
        assertThat(d[1] * 255).as("file %d: mean difference in levels", i).isLessThan(0.05);
      }
    }
  }

  @Test
  void read_jpeg440_takesTheStrictPath() throws Exception {
    byte[] f = opencvJpeg(photo(120, 90, new SplittableRandom(8)), 90, 440, false);
    JpegHeader h = JpegHeader.parse(f).orElseThrow();
    assertThat(h.sampling()).isEqualTo(12);
    assertThat(h.fastPathExact()).isFalse();
    Sample slow = with("imageio", () -> ImageDecoder.read(f, "f", 3, 0, 1));
    Sample viaAuto = with("opencv", () -> ImageDecoder.read(f, "f", 3, 0, 1));
    assertThat(viaAuto.chw()).containsExactly(slow.chw());
  }

  @Test
  void read_grayJpeg_equalsImageioExactly() throws Exception {
    BufferedImage gray = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
    SplittableRandom r = new SplittableRandom(1);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        gray.getRaster().setSample(x, y, 0, (x * 3 + y * 2 + r.nextInt(20)) & 0xFF);
      }
    }
    byte[] f = imageioJpeg(gray, 0.9f);
    assertThat(JpegHeader.parse(f).orElseThrow().components()).isEqualTo(1);
    for (int channels : new int[] {1, 3}) {
      Sample slow = with("imageio", () -> ImageDecoder.read(f, "g", channels, 0, 1));
      Sample fast = with("opencv", () -> ImageDecoder.read(f, "g", channels, 0, 1));
      assertThat(fast.chw()).containsExactly(slow.chw());
    }
  }

  @Test
  void read_truncatedJpeg_isRefusedOnEitherPath() throws Exception {
    byte[] full = imageioJpeg(photo(200, 150, new SplittableRandom(2)), 0.9f);
    for (int keep : new int[] {full.length / 2, full.length - 2, 300}) {
      byte[] cut = Arrays.copyOf(full, keep);
      assertThat(JpegHeader.parse(cut).map(JpegHeader::fastPathExact)).as("cut at %d", keep).isNotEqualTo(
          java.util.Optional.of(true));
      for (String kind : new String[] {"imageio", "opencv"}) {
        assertThatThrownBy(() -> with(kind, () -> ImageDecoder.read(cut, "cut.jpg", 3, 0, 1))).as(kind)
            .isInstanceOf(IOException.class).hasMessageContaining("cut.jpg");
      }
    }
  }

  @Test
  void read_jpegBomb_isRefusedFromTheHeaderOnEitherPath() throws Exception {
    byte[] f = imageioJpeg(photo(40, 30, new SplittableRandom(3)), 0.9f);
    JpegHeader h = JpegHeader.parse(f).orElseThrow();
    assertThat(new int[] {h.width(), h.height(), h.components(), h.precision()}).containsExactly(40, 30, 3, 8);
    byte[] bomb = withFrameSize(f, 40000, 20000);
    assertThat(JpegHeader.parse(bomb).orElseThrow().width()).isEqualTo(40000);
    for (String kind : new String[] {"imageio", "opencv"}) {
      assertThatThrownBy(() -> with(kind, () -> ImageDecoder.read(bomb, "bomb.jpg", 3, 0, 1))).as(kind)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("image too large: bomb.jpg is 40000×20000 = 800000000 pixels")
          .hasMessageContaining("limit of 178956970 pixels");
    }
  }

  @Test
  void read_badImagesFolder_sameResultsWithEitherDecoder() throws Exception {
    BadImages.write(root, 2);
    BadImages.rgb(root.resolve("good.jpg"), 64, 48, 9);
    ImageFolderDataset ds = ImageFolderDataset.open(root, 3);
    for (int i = 0; i < ds.size(); i++) {
      int index = i;
      String a = outcome(() -> with("imageio", () -> ds.read(index)));
      String b = outcome(() -> with("opencv", () -> ds.read(index)));
      if (ds.describe(i).endsWith("good.jpg")) {
        assertThat(b).as(ds.describe(i)).startsWith("Sample[3, 48, 64]");
      } else {
        assertThat(b).as(ds.describe(i)).isEqualTo(a); // fallbacks (CMYK, PNG, truncated): identical
      }
    }
    JpegHeader cmyk = JpegHeader.parse(Files.readAllBytes(root.resolve("cmyk.jpg"))).orElseThrow();
    assertThat(cmyk.components()).isEqualTo(4);
    assertThat(cmyk.fastPathExact()).isFalse();
  }

  @Test
  void read_exifOrientation_isIgnoredAsByImageio() throws Exception {
    byte[] plain = imageioJpeg(photo(48, 32, new SplittableRandom(4)), 0.9f);
    byte[] rotated = withExifOrientation(plain, 6); // "rotate 90° clockwise to display"
    Sample s = with("opencv", () -> ImageDecoder.read(rotated, "exif.jpg", 3, 0, 1));
    assertThat(new int[] {s.height(), s.width()}).containsExactly(32, 48);
  }

  @Test
  void reductionFor_keepsTheShorterSideAtLeastTwiceTheTarget() {
    assertThat(ImageDecoder.reductionFor(500, 375, 224)).isEqualTo(1);
    assertThat(ImageDecoder.reductionFor(2000, 1500, 256)).isEqualTo(2); // 750 ≥ 512; 375 < 512
    assertThat(ImageDecoder.reductionFor(4000, 3000, 224)).isEqualTo(4); // 750 ≥ 448
    assertThat(ImageDecoder.reductionFor(8000, 8000, 64)).isEqualTo(8);
  }

  @Test
  void read_reduced_isDctScaledAndCloseToAFullDecodeResized() throws Exception {
    byte[] f = imageioJpeg(photo(400, 300, new SplittableRandom(6)), 0.9f);
    Sample half = with("opencv", () -> ImageDecoder.read(f, "f", 3, 0, 2));
    assertThat(new int[] {half.height(), half.width()}).containsExactly(150, 200);
    Sample eighth = with("opencv", () -> ImageDecoder.read(f, "f", 3, 0, 8));
    assertThat(new int[] {eighth.height(), eighth.width()}).containsExactly(38, 50); // ceil(300 / 8), 400 / 8
    Sample full = with("imageio", () -> ImageDecoder.read(f, "f", 3, 0, 2)); // imageio ignores the reduction
    assertThat(full.width()).isEqualTo(400);
  }

  @Test
  void readForResize_largePhoto_decodesAtHalfSizeAndGivesNearlyTheSameEvalCrop() throws Exception {
    byte[] f = imageioJpeg(photo(2000, 1500, new SplittableRandom(7)), 0.9f);
    Files.createDirectories(root.resolve("c"));
    Files.write(root.resolve("c/big.jpg"), f);
    ImageFolderDataset ds = ImageFolderDataset.open(root, 3);
    EvalTransform eval = EvalTransform.centerCrop(224); // resize 256: 1500 / 2 = 750 >= 2 × 256, 1500 / 4 < 512
    assertThat(ImageDecoder.reductionFor(f, eval.resize())).isEqualTo(2);
    Sample reduced = with("opencv", () -> ds.readForResize(0, eval.resize()));
    assertThat(new int[] {reduced.height(), reduced.width()}).containsExactly(750, 1000);
    Sample full = with("opencv", () -> ds.read(0));
    float[] a = eval.apply(full, new SplittableRandom(0)).chw();
    float[] b = eval.apply(reduced, new SplittableRandom(0)).chw();
    double[] d = difference(a, b);
    System.out.printf(java.util.Locale.ROOT, "eval crop from a 1/2 DCT decode vs a full decode: max %.2f levels, "
        + "mean %.3f%n", d[0] * 255, d[1] * 255);
    assertThat(d[1] * 255).as("mean difference in levels").isLessThan(0.5);
    assertThat(d[0] * 255).as("max difference in levels").isLessThan(6);
    Sample forced = with("imageio", () -> ds.readForResize(0, eval.resize()));
    assertThat(forced.width()).as("javax.imageio decodes in full").isEqualTo(2000);
  }

  private static String outcome(Callable<Sample> read) {
    try {
      return read.call().toString();
    } catch (Exception e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  static <T> T with(String decoder, Callable<T> body) throws Exception {
    String old = System.getProperty(ImageDecoder.DECODER_PROPERTY);
    System.setProperty(ImageDecoder.DECODER_PROPERTY, decoder);
    try {
      return body.call();
    } finally {
      if (old == null) {
        System.clearProperty(ImageDecoder.DECODER_PROPERTY);
      } else {
        System.setProperty(ImageDecoder.DECODER_PROPERTY, old);
      }
    }
  }

  /** Max and mean absolute difference. */
  private static double[] difference(float[] a, float[] b) {
    double max = 0;
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs(a[i] - b[i]);
      max = Math.max(max, d);
      sum += d;
    }
    return new double[] {max, sum / a.length};
  }

  /** Smooth gradients, edges and sensor-like noise: what a photo gives a JPEG coder. */
  static BufferedImage photo(int w, int h, SplittableRandom r) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int cx = r.nextInt(w);
    int cy = r.nextInt(h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) < w * h / 8;
        int n = r.nextInt(-10, 11);
        int red = clamp(x * 255 / w + n + (inside ? 60 : 0));
        int green = clamp(y * 255 / h + n);
        int blue = clamp((inside ? 200 : 40) + n);
        img.setRGB(x, y, red << 16 | green << 8 | blue);
      }
    }
    return img;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  static byte[] imageioJpeg(BufferedImage img, float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam p = writer.getDefaultWriteParam();
    p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    p.setCompressionQuality(quality);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, null), p);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** The image encoded by libjpeg-turbo through OpenCV (BGR in), chroma subsampled 4:2:0, 4:2:2 or 4:4:4. */
  private static byte[] opencvJpeg(BufferedImage img, int quality, int subsampling, boolean progressive) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] bgr = new byte[w * h * 3];
    for (int y = 0, o = 0; y < h; y++) {
      for (int x = 0; x < w; x++, o += 3) {
        int c = img.getRGB(x, y);
        bgr[o] = (byte) c;
        bgr[o + 1] = (byte) (c >> 8);
        bgr[o + 2] = (byte) (c >> 16);
      }
    }
    try (Mat m = new Mat(h, w, opencv_core.CV_8UC3, new Scalar(0.0)); BytePointer out = new BytePointer()) {
      m.data().put(bgr);
      int[] params = {opencv_imgcodecs.IMWRITE_JPEG_QUALITY, quality, opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR,
          switch (subsampling) {
            case 444 -> opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_444;
            case 422 -> opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_422;
            case 440 -> opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_440;
            default -> opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420;
          },
          opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE, progressive ? 1 : 0};
      assertThat(opencv_imgcodecs.imencode(".jpg", m, out, new IntPointer(params))).isTrue();
      byte[] b = new byte[(int) out.limit()];
      out.get(b);
      return b;
    }
  }

  /** A copy whose frame header (SOF0) announces {@code width} × {@code height}. */
  private static byte[] withFrameSize(byte[] jpeg, int width, int height) {
    byte[] b = jpeg.clone();
    for (int i = 2; i + 8 < b.length; i++) {
      if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xC0) {
        b[i + 5] = (byte) (height >> 8);
        b[i + 6] = (byte) height;
        b[i + 7] = (byte) (width >> 8);
        b[i + 8] = (byte) width;
        return b;
      }
    }
    throw new AssertionError("no SOF0");
  }

  /** A copy with an EXIF APP1 segment holding one Orientation tag, right after SOI. */
  private static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD at 8
        0, 1, // one entry
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, 1 value
        0, 0, 0, 0}; // no next IFD
    byte[] exif = new byte[6 + tiff.length];
    System.arraycopy("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, exif, 0, 6);
    System.arraycopy(tiff, 0, exif, 6, tiff.length);
    int len = exif.length + 2;
    byte[] out = new byte[jpeg.length + 2 + len];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xD8;
    out[2] = (byte) 0xFF;
    out[3] = (byte) 0xE1;
    out[4] = (byte) (len >> 8);
    out[5] = (byte) len;
    System.arraycopy(exif, 0, out, 6, exif.length);
    System.arraycopy(jpeg, 2, out, 6 + exif.length, jpeg.length - 2);
    return out;
  }
}

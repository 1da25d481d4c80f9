package io.github.mae4j.torch.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import java.util.function.Function;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * JPEG decoding by libjpeg-turbo inside OpenCV's {@code imdecode} (JavaCPP presets), for the files
 * {@link JpegHeader#fastPathExact()} accepts. EXIF orientation is ignored (as javax.imageio and PIL do), the BGR
 * result is turned into planar RGB, and a reduction factor of 2, 4 or 8 uses libjpeg's DCT scaling
 * ({@code IMREAD_REDUCED_*}).
 */
final class OpenCvJpeg {
  private OpenCvJpeg() {}

  /** Loads the natives once, on first use; the failure's text when they do not load. */
  private static final class Natives {
    static final Optional<String> FAILURE = load();

    private static Optional<String> load() {
      try {
        Loader.load(opencv_imgcodecs.class);
        return Optional.empty();
      } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError, ...: the fallback takes over
        return Optional.of(e.toString());
      }
    }
  }

  /** Empty when OpenCV's natives loaded, else why not. */
  static Optional<String> unavailableBecause() {
    return Natives.FAILURE;
  }

  /** OpenCV's version string (loads the natives). */
  static String version() {
    return opencv_core.CV_VERSION();
  }

  /**
   * Decodes {@code encoded} (a JPEG with {@code header}), downscaled by {@code reduction} (1, 2, 4 or 8) in the DCT.
   * Output: [C, H, W] in [0, 1] with {@code channels} (1 or 3) channels, as {@link ChannelConversion} gives them.
   *
   * @return the sample's pixels, or empty when imdecode failed (the caller falls back to the strict path)
   */
  static Optional<Sample> decode(byte[] encoded, JpegHeader header, int channels, int reduction, int label) {
    return decodeWith(encoded, header, reduction, px -> {
      int rowBytes = px.width() * px.channels();
      byte[] bytes = new byte[rowBytes * px.height()];
      for (int y = 0; y < px.height(); y++) {
        MemorySegment.copy(px.data(), ValueLayout.JAVA_BYTE, y * px.stride(), bytes, y * rowBytes, rowBytes);
      }
      int plane = px.width() * px.height();
      float[] chw = px.channels() == 1 ? ChannelConversion.fromGrayBytes(bytes, plane, channels)
          : ChannelConversion.fromBgrBytes(bytes, plane, channels);
      return new Sample(chw, channels, px.height(), px.width(), label);
    });
  }

  /**
   * Decodes {@code encoded} (a JPEG with {@code header}), downscaled by {@code reduction} (1, 2, 4 or 8) in the DCT,
   * and hands its 8-bit pixels, still in OpenCV's
   * native buffer (gray, or BGR), to {@code use}; the buffer is freed when {@code use} returns.
   *
   * @return what {@code use} returned, or empty when imdecode failed (the caller falls back to the strict path;
   *     {@code use} was not called)
   */
  static <R> Optional<R> decodeWith(byte[] encoded, JpegHeader header, int reduction, Function<Pixels8, R> use) {
    boolean gray = header.components() == 1;
    int flags = (gray ? opencv_imgcodecs.IMREAD_GRAYSCALE : opencv_imgcodecs.IMREAD_COLOR)
        | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION | reducedFlag(reduction);
    try (PointerScope scope = new PointerScope()) {
      BytePointer data = new BytePointer(encoded);
      Mat buf = new Mat(1, encoded.length, opencv_core.CV_8UC1, data);
      Mat img = opencv_imgcodecs.imdecode(buf, flags);
      int want = gray ? 1 : 3;
      if (img.empty() || img.channels() != want || img.depth() != opencv_core.CV_8U) {
        return Optional.empty();
      }
      long stride = img.step(0); // bytes from one row to the next
      long size = stride * (img.rows() - 1) + (long) img.cols() * want;
      MemorySegment pixels = MemorySegment.ofAddress(img.data().address()).reinterpret(size);
      return Optional.of(use.apply(new Pixels8(pixels, img.rows(), img.cols(), want, stride)));
    }
  }

  private static int reducedFlag(int reduction) {
    return switch (reduction) {
      case 1 -> 0;
      case 2 -> opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_2;
      case 4 -> opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_4;
      case 8 -> opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_8;
      default -> throw new IllegalArgumentException("reduction must be 1, 2, 4 or 8, got " + reduction);
    };
  }
}

package io.github.mae4j.torch.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one image. JPEGs go to libjpeg-turbo through OpenCV ({@link OpenCvJpeg}, about 4× faster per image) when
 * OpenCV's natives load and the file is one it decodes to exactly the pixels javax.imageio gives
 * ({@link JpegHeader#fastPathExact()}: 8-bit gray or YCbCr, no ICC profile, no Adobe marker, ending with the
 * end-of-image marker); every other file, and any file imdecode fails on, goes to javax.imageio. The system property
 * {@value #DECODER_PROPERTY} (or the environment variable {@code MAE4J_DECODER}) forces one: {@code imageio},
 * {@code opencv} (an error when its natives do not load), or {@code auto} (the default).
 *
 * <p>javax.imageio decodes strictly: a reader warning (e.g. the JPEG decoder's "Premature end of JPEG
 * file", which otherwise yields a half-gray image) is an error, so truncated files are skipped rather than silently
 * used. Before decoding, the header's width × height is checked against {@link #maxPixels()} (a decompression-bomb
 * guard, as PIL's {@code Image.MAX_IMAGE_PIXELS}): a larger image is refused without allocating its pixels.
 */
final class ImageDecoder {
  /** The default pixel limit, PIL's: {@code 1024 * 1024 * 1024 / 4 / 3}. */
  static final long DEFAULT_MAX_PIXELS = 178_956_970L;

  /** The system property that overrides {@link #DEFAULT_MAX_PIXELS}. */
  static final String MAX_PIXELS_PROPERTY = "mae4j.maxImagePixels";

  /** The system property that chooses the decoder: {@code auto}, {@code imageio} or {@code opencv}. */
  static final String DECODER_PROPERTY = "mae4j.decoder";

  /** The decoders {@link #DECODER_PROPERTY} can name. */
  enum Kind {
    IMAGEIO, OPENCV
  }

  static {
    ImageIO.setUseCache(false); // decode in memory, never through temp files
  }

  private ImageDecoder() {}

  /**
   * The largest width × height decoded: the system property {@value #MAX_PIXELS_PROPERTY} when set (read on every
   * call), else {@value #DEFAULT_MAX_PIXELS}.
   *
   * @throws IllegalArgumentException when the property is not a positive integer
   */
  static long maxPixels() {
    String v = System.getProperty(MAX_PIXELS_PROPERTY);
    if (v == null || v.isBlank()) {
      return DEFAULT_MAX_PIXELS;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("-D" + MAX_PIXELS_PROPERTY + " must be a positive number of pixels, got '"
        + v + "'");
  }

  /**
   * The decoder used for JPEGs now: {@value #DECODER_PROPERTY} (read on every call), else the environment variable
   * {@code MAE4J_DECODER}, else {@code auto}, which is OpenCV when its natives load and javax.imageio otherwise.
   *
   * @throws IllegalArgumentException when the setting names no decoder
   * @throws IllegalStateException when it names {@code opencv} and OpenCV's natives do not load
   */
  static Kind jpegDecoder() {
    return switch (setting()) {
      case "imageio" -> Kind.IMAGEIO;
      case "opencv" -> {
        OpenCvJpeg.unavailableBecause().ifPresent(why -> {
          throw new IllegalStateException(DECODER_PROPERTY + "=opencv, but OpenCV's natives did not load (add "
              + "org.bytedeco:opencv with the classifier of this platform, or use imageio): " + why);
        });
        yield Kind.OPENCV;
      }
      default -> OpenCvJpeg.unavailableBecause().isEmpty() ? Kind.OPENCV : Kind.IMAGEIO;
    };
  }

  /** The decoder setting, {@code auto}, {@code imageio} or {@code opencv}, without loading any natives. */
  private static String setting() {
    String v = System.getProperty(DECODER_PROPERTY);
    String from = "-D" + DECODER_PROPERTY;
    if (v == null || v.isBlank()) {
      v = System.getenv("MAE4J_DECODER");
      from = "MAE4J_DECODER";
    }
    String choice = v == null || v.isBlank() ? "auto" : v.strip().toLowerCase(Locale.ROOT);
    if (!choice.equals("auto") && !choice.equals("imageio") && !choice.equals("opencv")) {
      throw new IllegalArgumentException(from + " must be auto, imageio or opencv, got '" + v + "'");
    }
    return choice;
  }

  /**
   * Decodes {@code file} into planar pixels with {@code channels} channels ({@link ChannelConversion}).
   *
   * @throws IOException as {@link #decode(Path)}
   */
  static Sample read(Path file, int channels, int label) throws IOException {
    if (setting().equals("imageio")) {
      BufferedImage image = decode(file);
      return new Sample(ChannelConversion.toPlanar(image, channels), channels, image.getHeight(), image.getWidth(),
          label);
    }
    byte[] encoded = bytesOf(file);
    return read(encoded, file.toString(), channels, label, 1);
  }

  /**
   * As {@link #read(Path, int, int)}, decoding a JPEG at a reduced size when {@link #reductionFor(byte[], int)}
   * allows for a resize of the shorter side to {@code shortSide}.
   */
  static Sample readForResize(Path file, int channels, int label, int shortSide) throws IOException {
    if (setting().equals("imageio")) {
      return read(file, channels, label);
    }
    byte[] encoded = bytesOf(file);
    return read(encoded, file.toString(), channels, label, reductionFor(encoded, shortSide));
  }

  /**
   * The DCT reduction for {@code encoded} ahead of a resize of its shorter side to {@code shortSide}: 1 for anything
   * but a JPEG the fast path takes, else {@link #reductionFor(int, int, int)} of its frame size.
   */
  static int reductionFor(byte[] encoded, int shortSide) {
    if (shortSide < 1 || !JpegHeader.isJpeg(encoded)) {
      return 1;
    }
    return JpegHeader.parse(encoded).filter(JpegHeader::fastPathExact)
        .map(h -> reductionFor(h.width(), h.height(), shortSide)).orElse(1);
  }

  /**
   * Decodes an image held in memory into planar pixels; {@code name} is used in messages.
   *
   * @param reduction 1, or 2, 4 or 8 to decode a JPEG at that fraction of its size by DCT scaling (OpenCV path
   *     only: javax.imageio and non-JPEG files ignore it and decode in full; see {@link #reductionFor})
   * @throws IOException as {@link #decode(Path)}
   */
  static Sample read(byte[] encoded, String name, int channels, int label, int reduction) throws IOException {
    if (JpegHeader.isJpeg(encoded) && jpegDecoder() == Kind.OPENCV) { // OpenCV's natives load at the first JPEG
      Optional<JpegHeader> header = JpegHeader.parse(encoded);
      if (header.isPresent()) {
        JpegHeader h = header.get();
        checkPixels(h.width(), h.height(), maxPixels(), name); // before any pixel is allocated
        if (h.fastPathExact()) {
          Optional<Sample> s = OpenCvJpeg.decode(encoded, h, channels, reduction, label);
          if (s.isPresent()) {
            return s.get();
          }
        }
      }
    }
    BufferedImage image = decode(encoded, name);
    return new Sample(ChannelConversion.toPlanar(image, channels), channels, image.getHeight(), image.getWidth(),
        label);
  }

  /**
   * Decodes an image held in memory and applies {@code transform} to it, as {@code transform.apply(read(encoded,
   * name, channels, label, 1), rng)} does, except for a {@link PretrainTransform} on a JPEG the libjpeg-turbo path
   * takes:
   * <ul>
   *   <li>the crop box and flip are drawn from the header's frame size, before decoding (the same draws);
   *   <li>when the box is at least twice the output in both directions after a ½, ¼ or ⅛ reduction
   *       ({@link #reductionForCrop}), the JPEG is decoded at that reduction by DCT scaling — for large photos
   *       several times faster, with a result that differs from the full decode by little (as for
   *       {@link #readForResize}); an image of ImageNet's usual size (≈500×375) is always decoded in full for a
   *       224 crop;
   *   <li>the crop goes to the transform as 8-bit pixels ({@link PretrainTransform#apply(Pixels8,
   *       PretrainTransform.Draw, int, int)}), so only the crop is turned into floats: at full decode the same
   *       values as the float path, about twice as fast.
   * </ul>
   * An {@link EvalTransform} is read as {@link #readForResize} reads (reduced by DCT scaling when the shorter side
   * allows) and, on the libjpeg-turbo path, gets the pixels too ({@link EvalTransform#apply(Pixels8, int, int)}:
   * only its centre crop is resampled).
   *
   * @throws IOException as {@link #read(byte[], String, int, int, int)}
   */
  static Sample readTransformed(byte[] encoded, String name, int channels, int label, Transform transform,
      RandomGenerator rng) throws IOException {
    boolean eightBit = (transform instanceof PretrainTransform || transform instanceof EvalTransform)
        && (channels == 1 || channels == 3) && JpegHeader.isJpeg(encoded) && jpegDecoder() == Kind.OPENCV;
    Optional<JpegHeader> header = eightBit ? JpegHeader.parse(encoded).filter(JpegHeader::fastPathExact)
        : Optional.empty();
    if (header.isEmpty()) {
      int reduction = transform instanceof EvalTransform e ? reductionFor(encoded, e.resize()) : 1;
      return transform.apply(read(encoded, name, channels, label, reduction), rng);
    }
    JpegHeader h = header.get();
    checkPixels(h.width(), h.height(), maxPixels(), name); // before any pixel is allocated
    if (transform instanceof EvalTransform eval) { // as readForResize, then only the centre crop is resampled
      int reduction = reductionFor(h.width(), h.height(), eval.resize());
      Optional<Sample> s = OpenCvJpeg.decodeWith(encoded, h, reduction, pixels -> eval.apply(pixels, channels, label));
      return s.isPresent() ? s.get() : eval.apply(read(encoded, name, channels, label, reduction), rng);
    }
    PretrainTransform pretrain = (PretrainTransform) transform;
    PretrainTransform.Draw draw = pretrain.draw(h.height(), h.width(), rng);
    int reduction = reductionForCrop(draw.box().height(), draw.box().width(), pretrain.size(), pretrain.width());
    Optional<Sample> s = OpenCvJpeg.decodeWith(encoded, h, reduction,
        pixels -> pretrain.apply(pixels, draw, channels, label));
    if (s.isPresent()) {
      return s.get();
    }
    return pretrain.apply(read(encoded, name, channels, label, 1), draw); // the strict path's full decode
  }

  /** As {@link #readTransformed(byte[], String, int, int, Transform, RandomGenerator)} for a file. */
  static Sample readTransformed(Path file, int channels, int label, Transform transform, RandomGenerator rng)
      throws IOException {
    if (setting().equals("imageio")
        || !(transform instanceof PretrainTransform || transform instanceof EvalTransform)) {
      return transform.apply(read(file, channels, label), rng);
    }
    byte[] encoded = bytesOf(file);
    return readTransformed(encoded, file.toString(), channels, label, transform, rng);
  }

  /**
   * The DCT reduction (1, 2, 4 or 8) for an image of {@code width} × {@code height} that will be resized so that
   * its shorter side becomes {@code shortSide}: the largest factor that leaves the shorter side at least twice
   * {@code shortSide} (PIL's {@code reducing_gap = 2.0} rule of {@code Image.thumbnail}/{@code draft}), so the
   * resampling that follows still shrinks by 2× or more and its antialiasing filter, not the DCT, shapes the result.
   */
  static int reductionFor(int width, int height, int shortSide) {
    int shorter = Math.min(width, height);
    int r = 1;
    while (r < 8 && shorter / (r * 2) >= 2L * shortSide) {
      r *= 2;
    }
    return r;
  }

  /** The file's bytes, or an IOException naming it. */
  private static byte[] bytesOf(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e, e);
    }
  }

  /**
   * The DCT reduction (1, 2, 4 or 8) for a crop of {@code cropH × cropW} resized to {@code outH × outW}: the largest
   * factor that leaves the crop at least twice the output in both directions, the rule of
   * {@link #reductionFor(int, int, int)}.
   */
  static int reductionForCrop(int cropH, int cropW, int outH, int outW) {
    int r = 1;
    while (r < 8 && cropH / (r * 2) >= 2L * outH && cropW / (r * 2) >= 2L * outW) {
      r *= 2;
    }
    return r;
  }

  /**
   * Decodes the first image of {@code file} with javax.imageio.
   *
   * @throws IOException naming the file when it cannot be read, is not an image ImageIO knows, is corrupt or
   *     truncated, has more pixels than {@link #maxPixels()}, or uses a color model the JDK's decoder does not
   *     support
   */
  static BufferedImage decode(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new IOException("cannot open " + file);
      }
      return decode(in, file.toString());
    }
  }

  /** Decodes an image held in memory (a tar member); {@code name} is used in messages. */
  static BufferedImage decode(byte[] encoded, String name) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      return decode(in, name);
    }
  }

  private static BufferedImage decode(ImageInputStream in, String name) throws IOException {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      throw new IOException("cannot decode " + name + ": no ImageIO reader recognizes its content");
    }
    long max = maxPixels(); // a bad setting is the caller's error, not the file's: thrown as it is
    ImageReader reader = readers.next();
    List<String> warnings = new ArrayList<>();
    try {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      checkPixels(reader.getWidth(0), reader.getHeight(0), max, name);
      BufferedImage image = reader.read(0);
      if (!warnings.isEmpty()) {
        throw new IOException("corrupt or truncated image " + name + ": " + String.join("; ", warnings));
      }
      return image;
    } catch (IOException | RuntimeException e) {
      if (e.getMessage() != null && (e.getMessage().startsWith("corrupt or truncated image")
          || e.getMessage().startsWith("image too large"))) {
        throw e;
      }
      String msg = String.valueOf(e.getMessage());
      throw new IOException("cannot decode " + name + ": " + msg
          + (msg.contains("Unsupported Image Type") ? " (a color model javax.imageio does not support)" : ""), e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * Refuses an image whose header announces more than {@code max} pixels.
   *
   * @throws IOException naming the file, its size and the limit
   */
  static void checkPixels(int width, int height, long max, String name) throws IOException {
    long pixels = (long) width * height;
    if (pixels > max) {
      throw new IOException(String.format(Locale.ROOT, "image too large: %s is %d×%d = %d pixels, more than the "
          + "limit of %d pixels (a decompression-bomb guard; raise it with -D%s=N)", name, width, height, pixels, max,
          MAX_PIXELS_PROPERTY));
    }
  }
}

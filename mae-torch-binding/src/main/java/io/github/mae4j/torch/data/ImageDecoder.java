package io.github.mae4j.torch.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one image with javax.imageio, strictly: a reader warning (e.g. the JPEG decoder's "Premature end of JPEG
 * file", which otherwise yields a half-gray image) is an error, so truncated files are skipped rather than silently
 * used. Before decoding, the header's width × height is checked against {@link #maxPixels()} (a decompression-bomb
 * guard, as PIL's {@code Image.MAX_IMAGE_PIXELS}): a larger image is refused without allocating its pixels.
 */
final class ImageDecoder {
  /** The default pixel limit, PIL's: {@code 1024 * 1024 * 1024 / 4 / 3}. */
  static final long DEFAULT_MAX_PIXELS = 178_956_970L;

  /** The system property that overrides {@link #DEFAULT_MAX_PIXELS}. */
  static final String MAX_PIXELS_PROPERTY = "mae4j.maxImagePixels";

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
   * Decodes the first image of {@code file}.
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

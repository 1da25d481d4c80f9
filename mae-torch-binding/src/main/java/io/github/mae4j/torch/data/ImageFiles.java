package io.github.mae4j.torch.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The image files a folder or a file list may hold, and how each is read: JPEG and PNG through {@link ImageDecoder}
 * (libjpeg-turbo or javax.imageio) and {@link ChannelConversion} (1 or 3 channels), multi-band TIFF and NumPy {@code .npy} through
 * {@link MultibandDecoder} (any channel count, e.g. Sentinel-2's 13 bands).
 */
final class ImageFiles {
  /** The file name patterns read, for messages. */
  static final String PATTERNS = "*.jpg, *.jpeg, *.png, *.tif, *.tiff, *.npy";

  private ImageFiles() {}

  /** Whether {@code p} is a regular file whose name ends in one of {@link #PATTERNS}. */
  static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || MultibandDecoder.handles(p))
        && Files.isRegularFile(p);
  }

  /**
   * @throws IllegalArgumentException when channels is not positive
   */
  static void checkChannels(int channels) {
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1 (1 gray, 3 RGB, 13 Sentinel-2, …), got " + channels);
    }
  }

  private static void checkRgbOrGray(Object what, int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(what + " is a JPEG/PNG image (1 or 3 channels), the model expects "
          + channels + " channels: give multi-band .tif/.tiff or .npy files with " + channels + " bands");
    }
  }

  /**
   * As {@link #readForResize(Path, int, int, int)} for an image held in memory (a tar member): {@code name} for
   * messages, {@code fileName} for its type; {@code shortSide} 0 decodes in full.
   */
  static Sample decode(byte[] encoded, String name, String fileName, int channels, int label, int shortSide)
      throws IOException {
    if (MultibandDecoder.handles(Path.of(fileName).getFileName())) {
      return MultibandDecoder.decode(encoded, name, fileName, channels, label);
    }
    checkRgbOrGray(name, channels);
    return ImageDecoder.read(encoded, name, channels, label,
        shortSide > 0 ? ImageDecoder.reductionFor(encoded, shortSide) : 1);
  }

  /**
   * {@code transform.apply(decode(encoded, name, fileName, channels, label, 0), rng)}, a JPEG handed to a
   * {@link PretrainTransform} as 8-bit pixels ({@link ImageDecoder#readTransformed(byte[], String, int, int,
   * Transform, RandomGenerator)}).
   */
  static Sample decodeTransformed(byte[] encoded, String name, String fileName, int channels, int label,
      Transform transform, RandomGenerator rng) throws IOException {
    if (MultibandDecoder.handles(Path.of(fileName).getFileName())) {
      return transform.apply(MultibandDecoder.decode(encoded, name, fileName, channels, label), rng);
    }
    checkRgbOrGray(name, channels);
    return ImageDecoder.readTransformed(encoded, name, channels, label, transform, rng);
  }

  /** {@code transform.apply(read(file, channels, label), rng)}, as {@link #decodeTransformed} for a file. */
  static Sample readTransformed(Path file, int channels, int label, Transform transform, RandomGenerator rng)
      throws IOException {
    if (MultibandDecoder.handles(file)) {
      return transform.apply(MultibandDecoder.read(file, channels, label), rng);
    }
    checkRgbOrGray(file, channels);
    return ImageDecoder.readTransformed(file, channels, label, transform, rng);
  }

  /**
   * Reads {@code file} as [channels, H, W].
   *
   * @throws IOException naming the file when it cannot be decoded
   * @throws IllegalArgumentException naming the file when its channel count cannot become {@code channels} (a JPEG
   *     or PNG for a model of neither 1 nor 3 channels, a TIFF or .npy of another band count)
   */
  static Sample read(Path file, int channels, int label) throws IOException {
    if (MultibandDecoder.handles(file)) {
      return MultibandDecoder.read(file, channels, label);
    }
    checkRgbOrGray(file, channels);
    return ImageDecoder.read(file, channels, label);
  }

  /**
   * As {@link #read(Path, int, int)}, a JPEG decoded at reduced size when it is resized to a shorter side of
   * {@code shortSide} next ({@link ImageDecoder#readForResize}); multi-band files are read in full.
   */
  static Sample readForResize(Path file, int channels, int label, int shortSide) throws IOException {
    if (MultibandDecoder.handles(file)) {
      return MultibandDecoder.read(file, channels, label);
    }
    checkRgbOrGray(file, channels);
    return ImageDecoder.readForResize(file, channels, label, shortSide);
  }
}

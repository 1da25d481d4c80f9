package io.github.mae4j.torch.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads images of any number of bands — multispectral data such as Sentinel-2's 13 bands (EuroSAT-MS ships
 * 64×64×13 uint16 GeoTIFFs) — from multi-band TIFF ({@code .tif}, {@code .tiff}, through the JDK's javax.imageio
 * TIFF plugin, which decodes multi-sample rasters: chunky or planar, uncompressed, LZW, Deflate or PackBits; GeoTIFF
 * tags are ignored) and NumPy {@code .npy} ({@link NpyArray}: C×H×W or H×W×C, or H×W for one band).
 *
 * <p>Values, per sample type (the rule every band follows, stated so that statistics mean something):
 *
 * <ul>
 *   <li>uint8: {@code v / 255}, in [0, 1] as JPEG and PNG pixels;
 *   <li>uint16 and int16: {@code v / 10000} by default — Sentinel-2 L1C/L2A products store reflectance × 10000, so
 *       this gives reflectance (about 0–1, above 1 for bright clouds), the convention of SatMAE and SSL4EO-S12;
 *       the divisor is the system property {@value #UINT16_SCALE_PROPERTY} (e.g. {@code 65535} for full-range
 *       16-bit data);
 *   <li>float32 and float64: as stored.
 * </ul>
 *
 * Measured per-channel statistics ({@code mae stats}, {@code --normalization measured}) then normalize each band;
 * ImageNet's RGB statistics do not apply to such data.
 *
 * <p>Band count: a file with as many bands as asked is read as it is; 1 ↔ 3 bands are converted as
 * {@link ChannelConversion#convert} does (replicate, or BT.601 luma); any other difference is an
 * {@link IllegalArgumentException} naming the file, the bands found and the channels expected (a configuration
 * error, not a bad image: a run stops rather than skipping every file). A file that cannot be decoded is an
 * {@link IOException} naming it (the loader skips it).
 */
public final class MultibandDecoder {
  /** The system property holding the divisor of uint16/int16 values. */
  public static final String UINT16_SCALE_PROPERTY = "mae4j.uint16Scale";

  /** The default divisor of uint16/int16 values: Sentinel-2's reflectance scale. */
  public static final double DEFAULT_UINT16_SCALE = 10_000;

  private MultibandDecoder() {}

  /** Whether {@code file} is read by this class: its name ends in {@code .tif}, {@code .tiff} or {@code .npy}. */
  public static boolean handles(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".npy");
  }

  /**
   * The divisor of uint16/int16 values: {@value #UINT16_SCALE_PROPERTY} when set, else
   * {@value #DEFAULT_UINT16_SCALE}.
   *
   * @throws IllegalArgumentException when the property is not a positive number
   */
  public static double uint16Scale() {
    String v = System.getProperty(UINT16_SCALE_PROPERTY);
    if (v == null || v.isBlank()) {
      return DEFAULT_UINT16_SCALE;
    }
    try {
      double d = Double.parseDouble(v.strip());
      if (d > 0 && Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("-D" + UINT16_SCALE_PROPERTY + " must be a positive number, got '" + v + "'");
  }

  /**
   * Reads {@code file} as {@code channels} planar bands: [C, H, W].
   *
   * @throws IOException naming the file when it cannot be read or decoded
   * @throws IllegalArgumentException naming the file, the bands found and {@code channels} when they differ (other
   *     than 1 ↔ 3)
   */
  public static Sample read(Path file, int channels, int label) throws IOException {
    return decode(Files.readAllBytes(file), file.toString(), file.getFileName().toString(), channels, label);
  }

  /**
   * Decodes a file's bytes (a tar member) as {@link #read} does; {@code fileName} (its extension says TIFF or
   * .npy) and {@code name} (used in messages) are the member's.
   *
   * @throws IOException naming it when it cannot be decoded
   * @throws IllegalArgumentException naming it when its bands cannot become {@code channels}
   */
  public static Sample decode(byte[] encoded, String name, String fileName, int channels, int label)
      throws IOException {
    String n = fileName.toLowerCase(Locale.ROOT);
    Sample s = n.endsWith(".npy") ? readNpy(encoded, name, channels, label) : readTiff(encoded, name, label);
    return toChannels(s, channels, name);
  }

  private static Sample readNpy(byte[] bytes, String file, int channels, int label) throws IOException {
    NpyArray a = NpyArray.parse(bytes, file, ImageDecoder.maxPixels() * 64);
    int[] sh = a.shape();
    float scale = scaleOf(a.dtype());
    float[] v = a.values();
    if (sh.length == 2) {
      return new Sample(scaled(v, scale), 1, sh[0], sh[1], label);
    }
    if (sh.length != 3) {
      throw new IOException("cannot read " + file + ": .npy shape " + java.util.Arrays.toString(sh) + " is not "
          + "C×H×W, H×W×C or H×W");
    }
    // the band dimension: the one that equals the channels asked for (first wins), else the smaller of first/last
    boolean chw = sh[0] == channels || (sh[2] != channels && sh[0] <= sh[2]);
    if (chw) {
      ImageDecoder.checkPixels(sh[2], sh[1], ImageDecoder.maxPixels(), file);
      return new Sample(scaled(v, scale), sh[0], sh[1], sh[2], label);
    }
    int h = sh[0];
    int w = sh[1];
    int c = sh[2];
    ImageDecoder.checkPixels(w, h, ImageDecoder.maxPixels(), file);
    float[] out = new float[v.length];
    int plane = h * w;
    for (int i = 0; i < plane; i++) {
      for (int b = 0; b < c; b++) {
        out[b * plane + i] = v[i * c + b] * scale;
      }
    }
    return new Sample(out, c, h, w, label);
  }

  private static float scaleOf(String dtype) {
    return switch (dtype) {
      case "u1" -> 1f / 255f;
      case "u2", "i2" -> (float) (1.0 / uint16Scale());
      default -> 1f;
    };
  }

  private static float[] scaled(float[] v, float scale) {
    if (scale != 1f) {
      for (int i = 0; i < v.length; i++) {
        v[i] *= scale;
      }
    }
    return v;
  }

  private static Sample readTiff(byte[] bytes, String file, int label) throws IOException {
    long max = ImageDecoder.maxPixels(); // bad settings are the caller's errors, not the file's: thrown as they are
    double uint16Scale = uint16Scale();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      if (in == null) {
        throw new IOException("cannot open " + file);
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IOException("cannot decode " + file + ": not a TIFF file javax.imageio recognizes");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        ImageDecoder.checkPixels(reader.getWidth(0), reader.getHeight(0), max, file);
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new IOException("corrupt or truncated image " + file + ": " + String.join("; ", warnings));
        }
        return planar(image, file, label, uint16Scale);
      } catch (IOException e) {
        throw e.getMessage() != null && (e.getMessage().startsWith("corrupt or truncated")
            || e.getMessage().startsWith("image too large") || e.getMessage().startsWith("cannot read "))
            ? e : new IOException(unreadable(file, e), e);
      } catch (RuntimeException e) {
        throw new IOException(unreadable(file, e), e);
      } finally {
        reader.dispose();
      }
    }
  }

  private static String unreadable(String file, Exception e) {
    return "cannot decode " + file + ": " + e.getMessage() + " (a multi-band TIFF is read as javax.imageio's TIFF "
        + "plugin decodes it: 8- or 16-bit integer or 32-bit float samples, chunky or planar, uncompressed, LZW, "
        + "Deflate or PackBits; convert other layouts, e.g. tiled JPEG 2000, to that or to .npy)";
  }

  /** A decoded TIFF's raster → [bands, H, W] by the class's value rule. */
  private static Sample planar(BufferedImage image, String file, int label, double uint16Scale)
      throws IOException {
    if (image.getColorModel() instanceof IndexColorModel) { // a palette: its colors, not its indices
      return new Sample(ChannelConversion.toPlanar(image, 3), 3, image.getHeight(), image.getWidth(), label);
    }
    Raster r = image.getRaster();
    int bands = r.getNumBands();
    if (image.getColorModel().hasAlpha() && bands == image.getColorModel().getNumColorComponents() + 1) {
      bands--; // the alpha band is not image data
    }
    float scale = switch (r.getTransferType()) {
      case DataBuffer.TYPE_BYTE -> 1f / 255f;
      case DataBuffer.TYPE_USHORT, DataBuffer.TYPE_SHORT -> (float) (1.0 / uint16Scale);
      case DataBuffer.TYPE_FLOAT, DataBuffer.TYPE_DOUBLE -> 1f;
      default -> throw new IOException("cannot read " + file + ": " + r.getSampleModel().getSampleSize(0)
          + "-bit integer samples (uint8, int16, uint16, float32 and float64 are read)");
    };
    int w = r.getWidth();
    int h = r.getHeight();
    int plane = w * h;
    float[] out = new float[bands * plane];
    float[] row = new float[w];
    for (int b = 0; b < bands; b++) {
      for (int y = 0; y < h; y++) {
        r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, b, row);
        for (int x = 0; x < w; x++) {
          out[b * plane + y * w + x] = row[x] * scale;
        }
      }
    }
    return new Sample(out, bands, h, w, label);
  }

  /** {@code s} with {@code channels} bands: unchanged, 1 ↔ 3 converted, or refused by name. */
  static Sample toChannels(Sample s, int channels, String file) {
    if (s.channels() == channels) {
      return s;
    }
    boolean rgbOrGray = (s.channels() == 1 || s.channels() == 3) && (channels == 1 || channels == 3);
    if (!rgbOrGray) {
      throw new IllegalArgumentException(file + " has " + s.channels() + " channel(s) (bands), the model expects "
          + channels + ": give files with " + channels + " bands, or a recipe whose model.inChannels is "
          + s.channels() + " (mae stats: --channels " + s.channels() + ")");
    }
    float[] chw = ChannelConversion.convert(s.chw(), s.channels(), channels, s.height() * s.width());
    return s.withPixels(chw, channels, s.height(), s.width());
  }
}

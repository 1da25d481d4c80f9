package io.github.mae4j.torch.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one image file with javax.imageio, strictly: a reader warning (e.g. the JPEG decoder's "Premature end
 * of JPEG file", which otherwise yields a half-gray image) is an error, so truncated files are skipped rather than
 * silently used.
 */
final class ImageDecoder {
  static {
    ImageIO.setUseCache(false); // decode in memory, never through temp files
  }

  private ImageDecoder() {}

  /**
   * Decodes the first image of {@code file}.
   *
   * @throws IOException naming the file when it cannot be read, is not an image ImageIO knows, is corrupt or
   *     truncated, or is a CMYK/YCCK JPEG (unsupported by the JDK's decoder)
   */
  static BufferedImage decode(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new IOException("cannot open " + file);
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IOException("cannot decode " + file + ": no ImageIO reader recognizes its content");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new IOException("corrupt or truncated image " + file + ": " + String.join("; ", warnings));
        }
        return image;
      } catch (IOException | RuntimeException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("corrupt or truncated image")) {
          throw e;
        }
        String msg = String.valueOf(e.getMessage());
        throw new IOException("cannot decode " + file + ": " + msg
            + (msg.contains("Unsupported Image Type") ? " (a CMYK/YCCK JPEG? javax.imageio cannot read those)"
                : ""), e);
      } finally {
        reader.dispose();
      }
    }
  }
}

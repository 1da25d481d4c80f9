package io.github.mae4j.site;

import java.awt.Color;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The site's icon, {@code favicon.ico} at the site root (a PNG inside an ICO file): browsers ask for it on every
 * page, the Javadoc's included.
 */
final class Favicon {
  private Favicon() {}

  static void write(Path out) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
    var g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(new Color(31, 95, 168));
    g.fillRoundRect(0, 0, 32, 32, 8, 8);
    // a 2×2 grid with one patch kept: the MAE's masked patches
    g.setColor(new Color(255, 255, 255, 90));
    g.fillRect(5, 5, 10, 10);
    g.fillRect(17, 17, 10, 10);
    g.fillRect(5, 17, 10, 10);
    g.setColor(Color.WHITE);
    g.fillRect(17, 5, 10, 10);
    g.dispose();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    byte[] data = png.toByteArray();
    ByteBuffer ico = ByteBuffer.allocate(6 + 16 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    ico.putShort((short) 0).putShort((short) 1).putShort((short) 1); // reserved, type icon, one image
    ico.put((byte) 32).put((byte) 32).put((byte) 0).put((byte) 0);    // 32×32, no palette
    ico.putShort((short) 1).putShort((short) 32).putInt(data.length).putInt(6 + 16);
    ico.put(data);
    Files.write(out.resolve("favicon.ico"), ico.array());
  }
}

package io.github.mae4j.torch.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * A folder as a new user might have one: good images mixed with an empty file, a truncated JPEG, a CMYK JPEG, a
 * 16-bit PNG, a palette PNG, a one-pixel PNG and a decompression bomb (a PNG whose header says 40000×20000).
 */
public final class BadImages {
  /** Files that cannot be used: empty, truncated, bomb. */
  public static final String[] UNREADABLE = {"empty.png", "truncated.jpg", "bomb.png"};

  /** Files that decode (converted to RGB): cmyk, 16-bit, palette, one pixel. */
  public static final String[] ODD_BUT_READABLE = {"cmyk.jpg", "gray16.png", "palette.png", "one-pixel.png"};

  private BadImages() {}

  /** Writes {@code good} plain RGB PNGs plus the odd and the unreadable files into {@code dir}. */
  public static void write(Path dir, int good) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < good; i++) {
      rgb(dir.resolve("good-" + i + ".png"), 24, 20, i);
    }
    Files.write(dir.resolve("empty.png"), new byte[0]);
    Path jpg = dir.resolve("truncated.jpg");
    rgb(jpg, 64, 48, 7);
    byte[] full = Files.readAllBytes(jpg);
    Files.write(jpg, Arrays.copyOf(full, full.length / 2));
    try (var in = BadImages.class.getResourceAsStream("cmyk.jpg")) {
      Files.copy(in, dir.resolve("cmyk.jpg"));
    }
    BufferedImage g16 = new BufferedImage(20, 20, BufferedImage.TYPE_USHORT_GRAY);
    g16.getRaster().setSample(3, 3, 0, 40000);
    ImageIO.write(g16, "png", dir.resolve("gray16.png").toFile());
    byte[] r = {0, (byte) 255, 0, 0};
    byte[] g = {0, 0, (byte) 255, 0};
    byte[] b = {0, 0, 0, (byte) 255};
    BufferedImage pal = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 4, r, g, b));
    pal.getRaster().setSample(1, 1, 0, 1);
    ImageIO.write(pal, "png", dir.resolve("palette.png").toFile());
    rgb(dir.resolve("one-pixel.png"), 1, 1, 3);
    Files.write(dir.resolve("bomb.png"), bombPng(40000, 20000));
  }

  static void rgb(Path file, int w, int h, int seed) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 10 + seed * 40) << 16 | (y * 12) << 8 | (seed * 31 & 0xFF));
      }
    }
    ImageIO.write(img, file.toString().endsWith(".png") ? "png" : "jpg", file.toFile());
  }

  /** A well-formed PNG header announcing width × height RGB pixels, with a few bytes of image data. */
  public static byte[] bombPng(int width, int height) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeInt(width);
    h.writeInt(height);
    h.write(new byte[] {8, 2, 0, 0, 0}); // 8 bits, RGB, deflate, no filter, no interlace
    chunk(out, "IHDR", ihdr.toByteArray());
    Deflater d = new Deflater();
    d.setInput(new byte[1024]); // a zero scanline start: what a real bomb's first bytes compress to
    d.finish();
    byte[] buf = new byte[256];
    int n = d.deflate(buf);
    chunk(out, "IDAT", Arrays.copyOf(buf, n));
    chunk(out, "IEND", new byte[0]);
    return bytes.toByteArray();
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }
}

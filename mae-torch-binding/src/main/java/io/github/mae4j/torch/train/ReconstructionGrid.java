package io.github.mae4j.torch.train;

import io.github.mae4j.torch.nn.MaeOutput;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.Reconstruction;
import io.github.mae4j.torch.nn.Reconstruction.PatchStatistics;
import io.github.mae4j.torch.run.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A picture of what a masked autoencoder reconstructs, laid out as the paper's Figure 2: one row per image with
 * the original, the masked input (removed patches gray), the reconstruction, and the reconstruction with the
 * visible patches pasted back.
 */
public final class ReconstructionGrid {
  /** The column titles, left to right. */
  public static final List<String> COLUMNS = List.of("original", "masked", "reconstruction", "+ visible");
  private static final int PAD = 4;

  /**
   * The column titles for a grid drawn with {@code stats}: when a normalized-pixel model's predictions are drawn
   * with each removed patch's TRUE mean and variance, the titles say so in the picture itself, so that borrowed
   * brightness and contrast are never mistaken for the model's work.
   */
  public static List<String> columns(PatchStatistics stats, boolean normPixLoss) {
    if (!normPixLoss) {
      return COLUMNS;
    }
    return stats == PatchStatistics.TRUE_ORACLE
        ? List.of("original", "masked", "recon, true stats", "+ visible")
        : List.of("original", "masked", "recon, visible stats", "+ visible");
  }

  private static final int HEADER = 18;

  private ReconstructionGrid() {}

  /**
   * Renders the grid of {@code images [N, C, H, W]} (normalized with {@code mean}/{@code std}, which are undone
   * for display) with masks drawn from a generator seeded by {@code seed}; each pixel is drawn as a
   * {@code scale × scale} square. {@code stats} says how normalized-pixel predictions become pixels.
   */
  public static BufferedImage render(MaskedAutoencoder model, Tensor images, double[] mean, double[] std,
      long seed, int scale, PatchStatistics stats) {
    int n = (int) images.size(0);
    int c = (int) images.size(1);
    int h = (int) images.size(2);
    int w = (int) images.size(3);
    if (mean.length != c || std.length != c) {
      throw new IllegalArgumentException("normalization has " + mean.length + " channels, the images " + c);
    }
    float[] original;
    float[] predicted;
    float[] pasted;
    float[] masked;
    try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard();
        Generator g = torch.createCPUGenerator(seed)) {
      Tensor x = model.device().isCuda() ? images.to(model.device().toTorch(), torch.ScalarType.Float) : images;
      Tensor noise = model.sampleNoise(n, g);
      MaeOutput out = model.forward(x, noise);
      Reconstruction r = model.reconstruct(x, out, stats);
      int p = model.config().getPatchSize();
      Tensor maskPix = model.unpatchify(r.mask().to(torch.ScalarType.Float).unsqueeze(-1)
          .repeat(1, 1, (long) p * p * c));
      original = floats(x);
      predicted = floats(r.predicted());
      pasted = floats(r.pasted());
      masked = floats(maskPix);
    }
    int cell = Math.max(h, w) * scale;
    BufferedImage img = new BufferedImage(PAD + COLUMNS.size() * (cell + PAD), HEADER + n * (cell + PAD) + PAD,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D gr = img.createGraphics();
    gr.setColor(Color.WHITE);
    gr.fillRect(0, 0, img.getWidth(), img.getHeight());
    gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    gr.setColor(Color.DARK_GRAY);
    gr.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, cell >= 100 ? 13 : 10));
    List<String> titles = columns(stats, model.config().isNormPixLoss());
    for (int col = 0; col < titles.size(); col++) {
      gr.drawString(titles.get(col), PAD + col * (cell + PAD), HEADER - 5);
    }
    gr.dispose();
    int plane = h * w;
    int[] bands = displayBands(c);
    double[][] range = displayRange(original, n, c, plane, bands, mean, std);
    for (int i = 0; i < n; i++) {
      int top = HEADER + i * (cell + PAD);
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          int base = i * c * plane + y * w + xx;
          boolean removed = masked[base] > 0.5f;
          int[] rgb = new int[4];
          for (int col = 0; col < 4; col++) {
            float[] src = col == 0 || col == 1 ? original : col == 2 ? predicted : pasted;
            rgb[col] = removed && col == 1 ? 0x808080 : color(src, base, bands, plane, mean, std, range);
          }
          for (int col = 0; col < 4; col++) {
            int left = PAD + col * (cell + PAD);
            for (int dy = 0; dy < scale; dy++) {
              for (int dx = 0; dx < scale; dx++) {
                img.setRGB(left + xx * scale + dx, top + y * scale + dy, rgb[col]);
              }
            }
          }
        }
      }
    }
    return img;
  }

  /** Renders and writes the grid as a PNG (atomically). */
  public static void write(MaskedAutoencoder model, Tensor images, double[] mean, double[] std, long seed,
      int scale, PatchStatistics stats, Path png) throws IOException {
    BufferedImage img = render(model, images, mean, std, seed, scale, stats);
    AtomicFiles.write(png, out -> ImageIO.write(img, "png", out));
  }

  /** The pixel scale that makes a cell about {@code target} pixels wide. */
  public static int scaleFor(int imageSize, int target) {
    return Math.max(1, Math.round((float) target / imageSize));
  }

  /**
   * The bands drawn as red, green and blue: gray for 1, RGB for 3; for 13 (Sentinel-2's bands in their usual order,
   * B1 … B12 with B8A, as EuroSAT-MS stores them) true color B4, B3, B2 = bands 3, 2, 1; otherwise the first three
   * (or the first band as gray).
   */
  static int[] displayBands(int c) {
    if (c == 13) {
      return new int[] {3, 2, 1};
    }
    return c >= 3 ? new int[] {0, 1, 2} : new int[] {0, 0, 0};
  }

  /**
   * Per drawn band, the {low, high} values mapped to black and white: [0, 1] for gray and RGB; for other channel
   * counts (multispectral reflectance is dark, about 0–0.3) the 2nd and 98th percentiles of the original images'
   * values, a display stretch as remote-sensing viewers apply, the same for every column so they compare.
   */
  static double[][] displayRange(float[] original, int n, int c, int plane, int[] bands, double[] mean,
      double[] std) {
    double[][] range = new double[3][];
    for (int k = 0; k < 3; k++) {
      range[k] = new double[] {0, 1};
      if (c == 1 || c == 3) {
        continue;
      }
      int b = bands[k];
      double[] v = new double[n * plane];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < plane; j++) {
          v[i * plane + j] = original[i * c * plane + b * plane + j] * std[b] + mean[b];
        }
      }
      java.util.Arrays.sort(v);
      double lo = v[(int) Math.floor(0.02 * (v.length - 1))];
      double hi = v[(int) Math.ceil(0.98 * (v.length - 1))];
      range[k] = hi > lo ? new double[] {lo, hi} : new double[] {lo, lo + 1};
    }
    return range;
  }

  private static int color(float[] src, int base, int[] bands, int plane, double[] mean, double[] std,
      double[][] range) {
    int[] v = new int[3];
    for (int k = 0; k < 3; k++) {
      int ch = bands[k];
      double x = src[base + ch * plane] * std[ch] + mean[ch];
      double t = (x - range[k][0]) / (range[k][1] - range[k][0]);
      v[k] = (int) Math.round(Math.max(0, Math.min(1, t)) * 255);
    }
    return (v[0] << 16) | (v[1] << 8) | v[2];
  }

  private static float[] floats(Tensor t) {
    Tensor cpu = t.to(new Device(torch.DeviceType.CPU), torch.ScalarType.Float).contiguous();
    float[] out = new float[(int) cpu.numel()];
    new FloatPointer(cpu.data_ptr()).capacity(out.length).get(out);
    return out;
  }

}

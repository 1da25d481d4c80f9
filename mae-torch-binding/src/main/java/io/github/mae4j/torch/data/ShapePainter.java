package io.github.mae4j.torch.data;

import java.util.SplittableRandom;

/**
 * Paints the procedural images of {@link SyntheticDataset} into planar RGB [3, S, S] in [0, 1].
 *
 * <p>Shapes (circle, rotated rectangle, triangle) are drawn over a random two-color linear gradient with an
 * anti-aliased edge (coverage from a signed distance); textures (stripes, checkerboard) and the plain gradient
 * fill the whole image. A faint per-pixel noise (±0.02) keeps images from being piecewise constant.
 */
final class ShapePainter {
  private final int size;
  private final SplittableRandom rng;
  private final long noiseSeed;

  ShapePainter(int size, SplittableRandom rng) {
    this.size = size;
    this.rng = rng;
    this.noiseSeed = rng.nextLong();
  }

  float[] paint(SyntheticDataset.Shape shape) {
    float[] img = new float[3 * size * size];
    float[] c0 = color();
    float[] c1 = color();
    switch (shape) {
      case GRADIENT -> gradient(img, c0, c1);
      case STRIPES -> stripes(img, c0, contrasting(c0));
      case CHECKERBOARD -> checkerboard(img, c0, contrasting(c0));
      case CIRCLE, RECTANGLE, TRIANGLE -> {
        gradient(img, c0, mixColor(c0, c1, 0.35f));
        shape(img, shape, contrasting(c0));
      }
    }
    noise(img);
    return img;
  }

  private float[] color() {
    return new float[] {(float) rng.nextDouble(), (float) rng.nextDouble(), (float) rng.nextDouble()};
  }

  /** A random color whose luma differs from {@code c} by at least 0.3. */
  private float[] contrasting(float[] c) {
    float[] d = color();
    float lc = ChannelConversion.WR * c[0] + ChannelConversion.WG * c[1] + ChannelConversion.WB * c[2];
    float ld = ChannelConversion.WR * d[0] + ChannelConversion.WG * d[1] + ChannelConversion.WB * d[2];
    if (Math.abs(lc - ld) < 0.3f) {
      float shift = lc < 0.5f ? 0.45f : -0.45f;
      for (int i = 0; i < 3; i++) {
        d[i] = Math.clamp(c[i] + shift + (d[i] - 0.5f) * 0.2f, 0f, 1f);
      }
    }
    return d;
  }

  private static float[] mixColor(float[] a, float[] b, float t) {
    return new float[] {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
  }

  private void gradient(float[] img, float[] a, float[] b) {
    double angle = rng.nextDouble() * 2 * Math.PI;
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double u = ((x + 0.5) / size - 0.5) * cos + ((y + 0.5) / size - 0.5) * sin; // in [-0.71, 0.71]
        set(img, y, x, a, b, (float) Math.clamp(u / 1.4142 + 0.5, 0, 1));
      }
    }
  }

  private void stripes(float[] img, float[] a, float[] b) {
    double angle = rng.nextDouble() * Math.PI;
    double period = size * (0.06 + 0.2 * rng.nextDouble());
    double phase = rng.nextDouble() * 2 * Math.PI;
    double kx = 2 * Math.PI * Math.cos(angle) / period;
    double ky = 2 * Math.PI * Math.sin(angle) / period;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double s = Math.sin(kx * (x + 0.5) + ky * (y + 0.5) + phase);
        set(img, y, x, a, b, (float) Math.clamp(s * 2 + 0.5, 0, 1));
      }
    }
  }

  private void checkerboard(float[] img, float[] a, float[] b) {
    double angle = rng.nextDouble() * Math.PI / 2;
    double cell = size * (0.08 + 0.17 * rng.nextDouble());
    double cos = Math.cos(angle) / cell;
    double sin = Math.sin(angle) / cell;
    double ox = rng.nextDouble();
    double oy = rng.nextDouble();
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double u = (x + 0.5) * cos + (y + 0.5) * sin + ox;
        double v = -(x + 0.5) * sin + (y + 0.5) * cos + oy;
        boolean odd = ((long) Math.floor(u) + (long) Math.floor(v) & 1) == 1;
        set(img, y, x, a, b, odd ? 1f : 0f);
      }
    }
  }

  private void shape(float[] img, SyntheticDataset.Shape shape, float[] fg) {
    double r = size * (0.15 + 0.22 * rng.nextDouble());
    double cx = size * 0.5 + (rng.nextDouble() - 0.5) * (size - 2 * r);
    double cy = size * 0.5 + (rng.nextDouble() - 0.5) * (size - 2 * r);
    double angle = rng.nextDouble() * 2 * Math.PI;
    double aspect = 0.45 + 0.55 * rng.nextDouble();
    double[] tri = new double[6];
    for (int k = 0; k < 3; k++) {
      double t = angle + k * 2 * Math.PI / 3 + (rng.nextDouble() - 0.5) * 0.6;
      tri[2 * k] = cx + r * Math.cos(t);
      tri[2 * k + 1] = cy + r * Math.sin(t);
    }
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double px = x + 0.5 - cx;
        double py = y + 0.5 - cy;
        double inside = switch (shape) {
          case CIRCLE -> r - Math.sqrt(px * px + py * py);
          case RECTANGLE -> {
            double u = Math.abs(px * cos + py * sin) - r;
            double v = Math.abs(-px * sin + py * cos) - r * aspect;
            yield -Math.max(u, v);
          }
          default -> triangleInside(tri, x + 0.5, y + 0.5);
        };
        float coverage = (float) Math.clamp(inside + 0.5, 0, 1);
        if (coverage > 0) {
          int i = y * size + x;
          int plane = size * size;
          for (int c = 0; c < 3; c++) {
            img[c * plane + i] += (fg[c] - img[c * plane + i]) * coverage;
          }
        }
      }
    }
  }

  /** Distance inside the triangle (negative outside): the smallest distance to an edge line. */
  private static double triangleInside(double[] t, double x, double y) {
    double orient = Math.signum((t[2] - t[0]) * (t[5] - t[1]) - (t[3] - t[1]) * (t[4] - t[0]));
    double d = Double.POSITIVE_INFINITY;
    for (int k = 0; k < 3; k++) {
      double ax = t[2 * k];
      double ay = t[2 * k + 1];
      double bx = t[(2 * k + 2) % 6];
      double by = t[(2 * k + 3) % 6];
      double ex = bx - ax;
      double ey = by - ay;
      double cross = (ex * (y - ay) - ey * (x - ax)) * orient;
      d = Math.min(d, cross / Math.sqrt(ex * ex + ey * ey));
    }
    return d;
  }

  private void set(float[] img, int y, int x, float[] a, float[] b, float t) {
    int plane = size * size;
    int i = y * size + x;
    for (int c = 0; c < 3; c++) {
      img[c * plane + i] = a[c] + (b[c] - a[c]) * t;
    }
  }

  private void noise(float[] img) {
    for (int i = 0; i < img.length; i++) {
      long h = Seeds.mix64(noiseSeed + i * 0x9E3779B97F4A7C15L);
      float n = ((h >>> 40) / (float) (1 << 24) - 0.5f) * 0.04f;
      img[i] = Math.clamp(img[i] + n, 0f, 1f);
    }
  }
}

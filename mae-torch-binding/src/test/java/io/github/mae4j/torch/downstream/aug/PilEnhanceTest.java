package io.github.mae4j.torch.downstream.aug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.aug.RandAugment.Op;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PilEnhanceTest {
  @BeforeAll
  static void load() {
    Torch.load();
  }

  /** A [1, 32, 32] image whose first {@code counts[0]} pixels hold level {@code levels[0]}, and so on. */
  private static Tensor levels(int[] levels, int[] counts) {
    float[] v = new float[32 * 32];
    int at = 0;
    for (int k = 0; k < levels.length; k++) {
      for (int i = 0; i < counts[k]; i++) {
        v[at++] = levels[k] / 255f;
      }
    }
    return Tensors.floats(v, 1, 32, 32);
  }

  @Test
  void equalize_twoGreyLevels_mapToTheExtremes() {
    float[] out = Tensors.toFloatArray(PilEnhance.equalize(levels(new int[] {51, 204}, new int[] {512, 512})));
    // PIL: step = (1024 − 512) // 255 = 2, n starts at step // 2 = 1;
    // level 51 → 1 // 2 = 0; level 204 → (1 + 512) // 2 = 256, clipped to 255.
    assertThat(out[0]).isEqualTo(0f);
    assertThat(out[1023]).isEqualTo(1f);
    assertThat(Tensors.toFloatArray(RandAugment.applyOp(Op.EQUALIZE,
        levels(new int[] {51, 204}, new int[] {512, 512}), 0.3, true))).containsExactly(out);
  }

  @Test
  void equalize_threeLevels_middleFollowsTheCumulativeCount() {
    float[] out = Tensors.toFloatArray(PilEnhance.equalize(
        levels(new int[] {0, 100, 200}, new int[] {300, 300, 424})));
    // step = (1024 − 424) // 255 = 2; 0 → 1 // 2 = 0; 100 → (1 + 300) // 2 = 150; 200 → (1 + 600) // 2 → 255
    assertThat(out[0]).isEqualTo(0f);
    assertThat(out[300]).isCloseTo(150 / 255f, within(1e-7f));
    assertThat(out[1023]).isEqualTo(1f);
  }

  @Test
  void equalize_tooFewPixelsForAStep_isIdentity() {
    // 4 pixels: step = (4 − 1) // 255 = 0 → PIL keeps the image
    Tensor img = Tensors.floats(new float[] {0.2f, 0.4f, 0.4f, 0.8f}, 1, 2, 2);
    assertThat(Tensors.toFloatArray(PilEnhance.equalize(img))).containsExactly(Tensors.toFloatArray(img));
  }

  @Test
  void sharpness_factorOne_isIdentity() {
    Tensor img = Tensors.rand(org.bytedeco.pytorch.global.torch.createCPUGenerator(3), 3, 7, 6);
    assertThat(Tensors.toFloatArray(PilEnhance.sharpness(img, 1.0)))
        .containsExactly(Tensors.toFloatArray(img), within(1e-6f));
  }

  @Test
  void sharpness_factorZero_isSmoothedInteriorWithBorderKept() {
    int h = 5;
    int w = 6;
    float[] v = new float[h * w];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((i * 37) % 11) / 10f;
    }
    float[] out = Tensors.toFloatArray(PilEnhance.sharpness(Tensors.floats(v, 1, h, w), 0.0));
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float expected;
        if (y == 0 || x == 0 || y == h - 1 || x == w - 1) {
          expected = v[y * w + x];
        } else {
          float s = 4 * v[y * w + x]; // centre weight 5 = 1 + 4
          for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
              s += v[(y + dy) * w + x + dx];
            }
          }
          expected = s / 13f;
        }
        assertThat(out[y * w + x]).as("pixel (%d, %d)", y, x).isCloseTo(expected, within(1e-6f));
      }
    }
  }

  @Test
  void sharpness_factorTwo_pushesAwayFromTheSmoothedValueAndClamps() {
    // a single bright pixel in the middle of a dark 3×3: smoothed centre = 5·0.5/13
    Tensor img = Tensors.floats(new float[] {0, 0, 0, 0, 0.5f, 0, 0, 0, 0}, 1, 3, 3);
    float smooth = 2.5f / 13f;
    float[] out = Tensors.toFloatArray(PilEnhance.sharpness(img, 2.0));
    assertThat(out[4]).isCloseTo(smooth + 2 * (0.5f - smooth), within(1e-6f));
    assertThat(out[0]).isEqualTo(0f);
    assertThat(Tensors.toFloatArray(PilEnhance.sharpness(Tensors.floats(new float[] {0.9f, 0.1f}, 1, 1, 2), 0)))
        .containsExactly(0.9f, 0.1f);
  }

  @Test
  void equalize_notOneImage_saysWhatCame() {
    assertThatThrownBy(() -> PilEnhance.equalize(Tensors.zeros(2, 1, 4, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 1, 4, 4]");
  }

  /** 8-bit level of channel {@code c} at ({@code y}, {@code x}). */
  private interface Levels {
    int at(int y, int x, int c);
  }

  /** Writes an RGB image as PIL's raw bytes [H, W, 3] to {@code file} and returns it as [3, H, W] in [0, 1]. */
  private static Tensor rgb(int h, int w, Levels levels, Path file) throws IOException {
    byte[] hwc = new byte[h * w * 3];
    float[] chw = new float[3 * h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int level = levels.at(y, x, c);
          hwc[(y * w + x) * 3 + c] = (byte) level;
          chw[(c * h + y) * w + x] = level / 255f;
        }
      }
    }
    Files.write(file, hwc);
    return Tensors.floats(chw, 3, h, w);
  }

  /** The Python to cross-check with ({@code MAE4J_PYTHON}, else /usr/bin/python3); skips the test without PIL. */
  private static String pythonWithPil() throws InterruptedException {
    String python = System.getenv().getOrDefault("MAE4J_PYTHON", "/usr/bin/python3");
    assumeTrue(runs(python, "import PIL"), "no PIL in " + python);
    return python;
  }

  @Test
  void equalizeAndSharpness_randomRgbImage_agreeWithPil(@TempDir Path dir) throws Exception {
    String python = pythonWithPil();
    int h = 20;
    int w = 23;
    SplittableRandom r = new SplittableRandom(9);
    Path in = dir.resolve("in.raw");
    Tensor image = rgb(h, w, (y, x, c) -> c == 0 ? r.nextInt(256)
        : (int) Math.min(255, Math.abs(r.nextGaussian()) * 60), in);
    String script = "import sys\nfrom PIL import Image, ImageOps, ImageEnhance\n"
        + "im = Image.frombytes('RGB', (" + w + ", " + h + "), open(sys.argv[1], 'rb').read())\n"
        + "open(sys.argv[2] + '/eq.raw', 'wb').write(ImageOps.equalize(im).tobytes())\n"
        + "open(sys.argv[2] + '/sh03.raw', 'wb').write(ImageEnhance.Sharpness(im).enhance(0.3).tobytes())\n"
        + "open(sys.argv[2] + '/sh17.raw', 'wb').write(ImageEnhance.Sharpness(im).enhance(1.7).tobytes())\n";
    assertThat(runs(python, script, in.toString(), dir.toString())).isTrue();
    assertMatches(PilEnhance.equalize(image), Files.readAllBytes(dir.resolve("eq.raw")), h, w, 0.5f / 255);
    // PIL rounds the smoothed image and the blend to 8 bits
    assertMatches(PilEnhance.sharpness(image, 0.3), Files.readAllBytes(dir.resolve("sh03.raw")), h, w, 1.5f / 255);
    assertMatches(PilEnhance.sharpness(image, 1.7), Files.readAllBytes(dir.resolve("sh17.raw")), h, w, 2.5f / 255);
  }

  @Test
  void randAugmentOps_randomRgbImage_agreeWithPilAndTimm(@TempDir Path dir) throws Exception {
    String python = pythonWithPil();
    int h = 20;
    int w = 23;
    SplittableRandom r = new SplittableRandom(5);
    Tensor image = rgb(h, w, (y, x, c) -> r.nextInt(256), dir.resolve("noisy.raw"));
    Tensor sm = rgb(h, w, (y, x, c) -> (int) Math.round(127.5 + 100 * Math.sin(x / 4.0 + c) * Math.cos(y / 5.0 - c)),
        dir.resolve("smooth.raw"));
    // level 0.9 (m9) as timm maps it: solarize threshold 256 − 230, solarize-add 99, posterize 4 − 3 bits,
    // enhancers 1 ± 0.81, rotate 27°, shear 0.27, translate 0.405 of the side; fill = ImageNet mean in 8 bits
    String script = "import sys\nfrom PIL import Image, ImageOps, ImageEnhance\nd = sys.argv[1]\n"
        + "def load(n): return Image.frombytes('RGB', (" + w + ", " + h + "), open(d + n, 'rb').read())\n"
        + "def save(n, im): open(d + n, 'wb').write(im.tobytes())\n"
        + "im = load('/noisy.raw')\nsm = load('/smooth.raw')\n"
        + "save('/inv.raw', ImageOps.invert(im))\nsave('/sol.raw', ImageOps.solarize(im, 26))\n"
        + "save('/sadd.raw', im.point([min(255, i + 99) if i < 128 else i for i in range(256)] * 3))\n"
        + "save('/post.raw', ImageOps.posterize(im, 1))\n"
        + "save('/col.raw', ImageEnhance.Color(im).enhance(0.19))\n"
        + "save('/con.raw', ImageEnhance.Contrast(im).enhance(1.81))\n"
        + "f = dict(resample=Image.BICUBIC, fillcolor=(124, 116, 104))\n"
        + "save('/rot.raw', sm.rotate(27, **f))\n"
        + "save('/shx.raw', sm.transform(sm.size, Image.AFFINE, (1, 0.27, 0, 0, 1, 0), **f))\n"
        + "save('/shy.raw', sm.transform(sm.size, Image.AFFINE, (1, 0, 0, -0.27, 1, 0), **f))\n"
        + "save('/tx.raw', sm.transform(sm.size, Image.AFFINE, (1, 0, 0.405 * " + w + ", 0, 1, 0), **f))\n";
    assertThat(runs(python, script, dir.toString())).isTrue();
    float exact = 1e-5f;
    assertMatches(RandAugment.applyOp(Op.INVERT, image, 0.9, false), read(dir, "inv"), h, w, exact);
    assertMatches(RandAugment.applyOp(Op.SOLARIZE, image, 0.9, false), read(dir, "sol"), h, w, exact);
    assertMatches(RandAugment.applyOp(Op.SOLARIZE_ADD, image, 0.9, false), read(dir, "sadd"), h, w, exact);
    assertMatches(RandAugment.applyOp(Op.POSTERIZE, image, 0.9, false), read(dir, "post"), h, w, exact);
    // PIL rounds its grey image / mean and the blend to 8 bits
    assertMatches(RandAugment.applyOp(Op.COLOR, image, 0.9, true), read(dir, "col"), h, w, 1.5f / 255);
    assertMatches(RandAugment.applyOp(Op.CONTRAST, image, 0.9, false), read(dir, "con"), h, w, 2.5f / 255);
    // geometry on a smooth image, where the two bicubic kernels differ little
    assertGeometryMatches(Op.ROTATE, sm, false, read(dir, "rot"), h, w);
    assertGeometryMatches(Op.SHEAR_X, sm, false, read(dir, "shx"), h, w);
    assertGeometryMatches(Op.SHEAR_Y, sm, true, read(dir, "shy"), h, w);
    assertGeometryMatches(Op.TRANSLATE_X, sm, false, read(dir, "tx"), h, w);
  }

  private static byte[] read(Path dir, String name) throws IOException {
    return Files.readAllBytes(dir.resolve(name + ".raw"));
  }

  /**
   * Geometric op at level 0.9 against PIL: every value within 4/255 (PIL's bicubic has a = −0.5, libtorch's −0.75,
   * and PIL rounds to 8 bits), mean absolute difference below 1/255, and the opposite sign more than 20/255 off on
   * average, so a wrong direction or origin cannot pass. (Seen with PIL 9.4: mean 0.36–0.57/255, flipped 39–47/255.)
   */
  private static void assertGeometryMatches(Op op, Tensor image, boolean negate, byte[] pil, int h, int w) {
    double[] mean = {0.485, 0.456, 0.406};
    double[] ours = difference(RandAugment.applyOp(op, image, 0.9, negate, mean), pil, h, w);
    double[] flipped = difference(RandAugment.applyOp(op, image, 0.9, !negate, mean), pil, h, w);
    assertThat(ours[0]).as("%s share within 4/255", op).isEqualTo(1.0);
    assertThat(ours[1]).as("%s mean |diff|", op).isLessThan(1 / 255.0);
    assertThat(flipped[1]).as("%s mean |diff| with the sign flipped", op).isGreaterThan(20 / 255.0);
  }

  /** {share of values within 4/255 of PIL's, mean absolute difference}. */
  private static double[] difference(Tensor ours, byte[] pil, int h, int w) {
    float[] o = Tensors.toFloatArray(ours);
    int close = 0;
    double absSum = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          double diff = Math.abs(o[(c * h + y) * w + x] - (pil[(y * w + x) * 3 + c] & 0xff) / 255.0);
          close += diff <= 4 / 255.0 ? 1 : 0;
          absSum += diff;
        }
      }
    }
    return new double[] {close / (3.0 * h * w), absSum / (3 * h * w)};
  }

  private static void assertMatches(Tensor ours, byte[] pil, int h, int w, float tolerance) {
    float[] o = Tensors.toFloatArray(ours);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          float expected = (pil[(y * w + x) * 3 + c] & 0xff) / 255f;
          assertThat(o[(c * h + y) * w + x]).as("channel %d pixel (%d, %d)", c, y, x)
              .isCloseTo(expected, within(tolerance));
        }
      }
    }
  }

  private static boolean runs(String... command) throws InterruptedException {
    String[] cmd = new String[command.length + 1];
    cmd[0] = command[0];
    cmd[1] = "-c";
    System.arraycopy(command, 1, cmd, 2, command.length - 1);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      boolean ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
      if (!ok && command.length > 2) {
        System.err.println(out);
      }
      return ok;
    } catch (IOException e) {
      return false;
    }
  }
}

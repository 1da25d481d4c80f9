package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ResamplerTest {
  static List<Resampler> flavors() {
    return List.of(Resampler.pil(), Resampler.torch());
  }

  @ParameterizedTest
  @MethodSource("flavors")
  void resize_constantImage_staysConstant(Resampler b) {
    float[] src = new float[2 * 9 * 13];
    java.util.Arrays.fill(src, 0, 9 * 13, 0.3f);
    java.util.Arrays.fill(src, 9 * 13, src.length, 0.8f);
    for (int[] out : new int[][] {{4, 5}, {20, 31}, {9, 13}, {3, 40}}) {
      float[] r = b.resize(src, 2, 9, 13, out[0], out[1]);
      int plane = out[0] * out[1];
      for (int i = 0; i < plane; i++) {
        assertThat(r[i]).isCloseTo(0.3f, within(1e-6f));
        assertThat(r[plane + i]).isCloseTo(0.8f, within(1e-6f));
      }
    }
  }

  /** Only a = −0.5 reproduces linear functions (Keys 1981); torch's a = −0.75 is checked against torch below. */
  @Test
  void resize_linearRamp_staysLinearInTheInterior() {
    Resampler b = Resampler.pil();
    int h = 6;
    int w = 40;
    float[] src = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        src[y * w + x] = 0.5f + 0.1f * x; // value at pixel center x+0.5 in continuous coords: 0.45 + 0.1·(x+0.5)
      }
    }
    for (int outW : new int[] {80, 20, 57}) {
      float[] r = b.resize(src, 1, h, w, h, outW);
      double scale = (double) w / outW;
      // away from the borders (where the window is cut), the output samples the ramp at its pixel center
      int margin = (int) Math.ceil(3 / Math.min(1, 1 / scale)) + 2;
      for (int x = margin; x < outW - margin; x++) {
        double center = (x + 0.5) * scale; // continuous input coordinate of output pixel x
        double expected = 0.45 + 0.1 * center;
        assertThat((double) r[2 * outW + x]).as("outW %d x %d", outW, x).isCloseTo(expected, within(2e-5));
      }
    }
  }

  @Test
  void resize_sameSize_isIdentity() {
    float[] src = new float[3 * 5 * 7];
    for (int i = 0; i < src.length; i++) {
      src[i] = (i * 37 % 11) / 11f;
    }
    for (Resampler b : flavors()) {
      assertThat(b.resize(src, 3, 5, 7, 5, 7)).containsExactly(src, within(1e-6f));
    }
  }

  @Test
  void resize_cropBox_usesOnlyPixelsInside() {
    float[] src = new float[10 * 10];
    java.util.Arrays.fill(src, 5f);
    for (int y = 2; y < 6; y++) {
      for (int x = 3; x < 8; x++) {
        src[y * 10 + x] = 1f;
      }
    }
    float[] r = Resampler.pil().resize(src, 1, 10, 10, 2, 3, 4, 5, 3, 3);
    assertThat(r).containsExactly(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, within(1e-6f));
  }

  @Test
  void resize_boxOutsideImage_isRejected() {
    assertThatThrownBy(() -> Resampler.pil().resize(new float[16], 1, 4, 4, 2, 0, 3, 4, 2, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaves the 4x4 image");
  }

  static List<Arguments> torchCases() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    try (InputStream in = ResamplerTest.class.getResourceAsStream("bicubic_fixture.txt")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].startsWith("case ")) {
          String[] h = lines[i].split(" ");
          int[] dims = {Integer.parseInt(h[3]), Integer.parseInt(h[4]), Integer.parseInt(h[5]),
              Integer.parseInt(h[6])};
          cases.add(Arguments.of(h[1], h[2].equals("1"), dims, floats(lines[i + 1]), floats(lines[i + 2])));
        }
      }
    }
    return cases;
  }

  private static float[] floats(String line) {
    String[] parts = line.trim().split(" ");
    float[] v = new float[parts.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.parseFloat(parts[i]);
    }
    return v;
  }

  /** References: torch.nn.functional.interpolate(mode="bicubic", align_corners=False[, antialias=True]) and PIL
   * Image.resize(BICUBIC) on a float image, from tools/bicubic_fixture.py. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("torchCases")
  void resize_matchesTorchInterpolate(String name, boolean antialias, int[] dims, float[] in, float[] expected) {
    Resampler b = antialias ? Resampler.pil() : Resampler.torch();
    float[] out = b.resize(in, 1, dims[0], dims[1], dims[2], dims[3]);
    // stored references (torch in float64, PIL in float32, printed to 10 decimals); Resampler is pure Java summing in
    // fp32, the same on every CPU: 2e-6 (~16 fp32 ulps near 1) covers its rounding, no CPU kernel is involved
    assertThat(out).containsExactly(expected, within(2e-6f));
  }

  @org.junit.jupiter.api.Test
  void pilBilinear_halving_weightsNeighboursOneThreeThreeOne() {
    // PIL BILINEAR shrinking 6 → 3: the triangle stretched to support 2 around centres 1, 3, 5; output 1 reads
    // inputs 1..4 with weights 0.25, 0.75, 0.75, 0.25 (normalized: 1, 3, 3, 1 over 8); output 0 is cut at the
    // border to inputs 0..2 with 0.75, 0.75, 0.25 (over 1.75)
    float[] row = {0, 8, 16, 40, 0, 8};
    float[] out = Resampler.pilBilinear().resize(row, 1, 1, 6, 1, 3);
    assertThat(out[1]).isCloseTo((8 + 3 * 16 + 3 * 40 + 0) / 8f, within(1e-5f));
    assertThat(out[0]).isCloseTo((0.75f * 0 + 0.75f * 8 + 0.25f * 16) / 1.75f, within(1e-5f));
    // a constant stays constant, upscaling a ramp keeps the interior on the ramp
    assertThat(Resampler.pilBilinear().resize(new float[] {3, 3, 3, 3}, 1, 1, 4, 1, 7)).containsOnly(3f);
    float[] up = Resampler.pilBilinear().resize(new float[] {0, 1, 2, 3}, 1, 1, 4, 1, 8);
    // output o samples input position (o + 0.5) / 2 − 0.5: o = 3 → 1.25
    assertThat(up[3]).isCloseTo(1.25f, within(1e-6f));
  }

  @org.junit.jupiter.api.Test
  void pilNearest_takesTheInputPixelUnderEachOutputCentre() {
    float[] row = {10, 11, 12, 13, 14};
    // 5 → 2: floor((o + 0.5) · 2.5) = 1, 3
    assertThat(Resampler.pilNearest().resize(row, 1, 1, 5, 1, 2)).containsExactly(11f, 13f);
    // 2 → 4: floor((o + 0.5) · 0.5) = 0, 0, 1, 1
    assertThat(Resampler.pilNearest().resize(new float[] {1, 2}, 1, 1, 2, 1, 4)).containsExactly(1f, 1f, 2f, 2f);
  }

  @org.junit.jupiter.api.Test
  void pil_interpolation_picksTheMatchingFilter() {
    assertThat(Resampler.pil(io.github.mae4j.api.recipe.Interpolation.BICUBIC)).isSameAs(Resampler.pil());
    assertThat(Resampler.pil(io.github.mae4j.api.recipe.Interpolation.BILINEAR)).isSameAs(Resampler.pilBilinear());
    assertThat(Resampler.pil(io.github.mae4j.api.recipe.Interpolation.NEAREST)).isSameAs(Resampler.pilNearest());
  }
}

package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.Reconstruction.PatchStatistics;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Which bands a reconstruction grid draws, and how multispectral values are stretched for display. */
class ReconstructionGridBandsTest {
  @Test
  void displayBands_grayRgbSentinel2AndOthers() {
    assertThat(ReconstructionGrid.displayBands(1)).containsExactly(0, 0, 0);
    assertThat(ReconstructionGrid.displayBands(3)).containsExactly(0, 1, 2);
    assertThat(ReconstructionGrid.displayBands(13)).containsExactly(3, 2, 1); // B4, B3, B2: true color
    assertThat(ReconstructionGrid.displayBands(4)).containsExactly(0, 1, 2);
    assertThat(ReconstructionGrid.displayBands(2)).containsExactly(0, 0, 0);
  }

  @Test
  void render_thirteenBands_drawsB4B3B2StretchedFromDarkReflectance() {
    MaeConfig cfg = MaeConfig.builder().imageSize(16).patchSize(4).inChannels(13)
        .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2)).build();
    int plane = 16 * 16;
    float[] v = new float[13 * plane];
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        v[3 * plane + y * 16 + x] = 0.05f + 0.25f * x / 15; // B4 (red) grows to the right
        v[2 * plane + y * 16 + x] = 0.05f + 0.25f * y / 15; // B3 (green) grows downwards
        v[1 * plane + y * 16 + x] = 0.1f; // B2 (blue) constant
        v[0 * plane + y * 16 + x] = 0.9f; // B1 (not drawn)
      }
    }
    double[] mean = new double[13];
    double[] std = new double[13];
    Arrays.fill(std, 1.0);
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(cfg, 1)) {
      BufferedImage img = ReconstructionGrid.render(mae, Tensors.floats(v, 1, 13, 16, 16), mean, std, 0, 1,
          PatchStatistics.VISIBLE);
      int left = 4;
      int top = 18;
      int[] first = rgb(img.getRGB(left, top));
      int[] right = rgb(img.getRGB(left + 15, top));
      int[] bottom = rgb(img.getRGB(left, top + 15));
      // reflectance 0.05–0.30 would be almost black unstretched (≤ 77 of 255); stretched it spans the range
      assertThat(first[0]).isLessThan(10);
      assertThat(right[0]).isGreaterThan(245);
      assertThat(first[1]).isLessThan(10);
      assertThat(bottom[1]).isGreaterThan(245);
      assertThat(first[2]).isZero(); // a constant band: its low end
      for (int x = 1; x < 16; x++) {
        assertThat(rgb(img.getRGB(left + x, top + 7))[0]).isGreaterThanOrEqualTo(rgb(img.getRGB(left + x - 1,
            top + 7))[0]);
      }
    }
  }

  private static int[] rgb(int argb) {
    return new int[] {(argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF};
  }
}

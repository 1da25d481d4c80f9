package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.MaskSampling;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.TensorData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The encoder-takes-mask-tokens ablation and the GRID / BLOCK samplings. */
class AblationTest {

  @Test
  void forward_encoderTakesMaskTokens_trainsTheEncoderToken() {
    Torch.load();
    MaeConfig config = MaskedAutoencoderTest.CONFIG.withEncoderTakesMaskTokens(true);
    try (MaskedAutoencoder m = MaskedAutoencoder.create(config, 3); PointerScope s = new PointerScope()) {
      assertThat(m.stateDict()).containsKey("encoder_mask_token");
      assertThat(m.parameterCount()).isEqualTo(config.getParameterCount() + 32);
      MaeOutput out = m.forward(torch.rand(2, 3, 16, 16), 4L);
      out.loss().backward();
      NamedParameter token = m.parameterGroups().noDecay().stream()
          .filter(p -> p.name().equals("encoder_mask_token")).findFirst().orElseThrow();
      assertThat(token.tensor().grad().abs().sum().item_float()).isPositive();
      assertThat(TensorData.toFloatArray(out.mask().sum()))
          .containsExactly(2f * config.getNumMasked());
    }
  }

  @Test
  void sampleNoise_grid_keepsOneOfEveryTwoByTwoCell() {
    Torch.load();
    MaeConfig config = MaskedAutoencoderTest.CONFIG.withMaskSampling(MaskSampling.GRID);
    try (MaskedAutoencoder m = MaskedAutoencoder.create(config, 3); PointerScope s = new PointerScope()) {
      MaeOutput out = m.forward(torch.rand(8, 3, 16, 16), 9L);
      float[] mask = TensorData.toFloatArray(out.mask());
      int g = 4;
      for (int n = 0; n < 8; n++) {
        int kept = -1;
        for (int k = 0; k < 16; k++) {
          if (mask[n * 16 + k] == 0) {
            int offset = (k / g % 2) * 2 + (k % g % 2);
            assertThat(kept == -1 || kept == offset).isTrue();
            kept = offset;
          }
        }
        for (int ci = 0; ci < g; ci += 2) {
          for (int cj = 0; cj < g; cj += 2) {
            float keptInCell = 4 - (mask[n * 16 + ci * g + cj] + mask[n * 16 + ci * g + cj + 1]
                + mask[n * 16 + (ci + 1) * g + cj] + mask[n * 16 + (ci + 1) * g + cj + 1]);
            assertThat(keptInCell).isEqualTo(1f);
          }
        }
      }
    }
  }

  @Test
  void sampleNoise_block_keepsExactlyFloorVisibleAndIsSeeded() {
    Torch.load();
    MaeConfig config = MaeConfig.builder().imageSize(56).patchSize(4)
        .encoder(e -> e.embedDim(16).depth(1).numHeads(2))
        .decoder(d -> d.embedDim(8).depth(1).numHeads(2))
        .maskSampling(MaskSampling.BLOCK).maskRatio(0.6).build();
    try (MaskedAutoencoder m = MaskedAutoencoder.create(config, 3); PointerScope s = new PointerScope()) {
      float[] a = TensorData.toFloatArray(
          MaskedAutoencoder.randomMasking(m.sampleNoise(4, torch.createCPUGenerator(5)), config.getNumVisible()).mask());
      float[] b = TensorData.toFloatArray(
          MaskedAutoencoder.randomMasking(m.sampleNoise(4, torch.createCPUGenerator(5)), config.getNumVisible()).mask());
      assertThat(a).containsExactly(b);
      int l = config.getNumPatches();
      for (int n = 0; n < 4; n++) {
        float removed = 0;
        int removedWithRemovedNeighbour = 0;
        for (int k = 0; k < l; k++) {
          removed += a[n * l + k];
          int j = k % 14;
          boolean right = j < 13 && a[n * l + k + 1] == 1;
          boolean down = k + 14 < l && a[n * l + k + 14] == 1;
          if (a[n * l + k] == 1 && (right || down || (j > 0 && a[n * l + k - 1] == 1))) {
            removedWithRemovedNeighbour++;
          }
        }
        assertThat(removed).isEqualTo(config.getNumMasked());
        // blocks: almost every removed patch touches another removed one (random masking would leave many alone)
        assertThat(removedWithRemovedNeighbour).isGreaterThan((int) (0.9 * config.getNumMasked()));
      }
    }
  }

  @Test
  void sampleNoise_gridOnAnEightBySixGrid_keepsOneOfEveryTwoByTwoCellAndIsSeeded() {
    Torch.load();
    // 32×24 px with 4-px patches: an 8×6 patch grid, L = 48, 12 kept
    MaeConfig config = MaskedAutoencoderTest.CONFIG.toBuilder().imageSize(32).imageWidth(24)
        .maskSampling(MaskSampling.GRID).build();
    int gh = 8;
    int gw = 6;
    try (MaskedAutoencoder m = MaskedAutoencoder.create(config, 3); PointerScope s = new PointerScope()) {
      float[] mask = masks(m, config, 8, 5);
      assertThat(masks(m, config, 8, 5)).containsExactly(mask);
      assertThat(masks(m, config, 8, 6)).isNotEqualTo(mask);
      java.util.Set<Integer> offsets = new java.util.HashSet<>();
      for (int n = 0; n < 8; n++) {
        int base = n * gh * gw;
        float removed = 0;
        int kept = -1;
        for (int k = 0; k < gh * gw; k++) {
          removed += mask[base + k];
          if (mask[base + k] == 0) {
            int offset = (k / gw % 2) * 2 + (k % gw % 2);
            assertThat(kept == -1 || kept == offset).as("one offset per sample").isTrue();
            kept = offset;
          }
        }
        offsets.add(kept);
        assertThat(removed / (gh * gw)).isEqualTo(0.75f);
        for (int ci = 0; ci < gh; ci += 2) {
          for (int cj = 0; cj < gw; cj += 2) {
            float keptInCell = 4 - (mask[base + ci * gw + cj] + mask[base + ci * gw + cj + 1]
                + mask[base + (ci + 1) * gw + cj] + mask[base + (ci + 1) * gw + cj + 1]);
            assertThat(keptInCell).as("cell (%d, %d) of sample %d", ci, cj, n).isEqualTo(1f);
          }
        }
      }
      assertThat(offsets).hasSizeGreaterThan(1);
      MaeOutput out = m.forward(torch.rand(2, 3, 32, 24), 9L);
      assertThat(TensorData.toFloatArray(out.mask().sum())).containsExactly(2f * 36);
    }
  }

  @Test
  void sampleNoise_blockOnASevenByFiveGrid_removesExactlyTheRatioInBlocksAndIsSeeded() {
    Torch.load();
    // 28×20 px with 4-px patches: a 7×5 patch grid (224×160 with 32-px patches), L = 35, ⌊35·0.4⌋ = 14 visible
    MaeConfig config = MaskedAutoencoderTest.CONFIG.toBuilder().imageSize(28).imageWidth(20)
        .maskSampling(MaskSampling.BLOCK).maskRatio(0.6).build();
    int gw = 5;
    int l = config.getNumPatches();
    assertThat(config.getNumMasked()).isEqualTo(21);
    try (MaskedAutoencoder m = MaskedAutoencoder.create(config, 3); PointerScope s = new PointerScope()) {
      float[] a = masks(m, config, 16, 5);
      assertThat(masks(m, config, 16, 5)).containsExactly(a);
      assertThat(masks(m, config, 16, 6)).isNotEqualTo(a);
      int removedWithRemovedNeighbour = 0;
      for (int n = 0; n < 16; n++) {
        float removed = 0;
        for (int k = 0; k < l; k++) {
          removed += a[n * l + k];
          int j = k % gw;
          boolean right = j < gw - 1 && a[n * l + k + 1] == 1;
          boolean left = j > 0 && a[n * l + k - 1] == 1;
          boolean down = k + gw < l && a[n * l + k + gw] == 1;
          boolean up = k - gw >= 0 && a[n * l + k - gw] == 1;
          if (a[n * l + k] == 1 && (right || left || down || up)) {
            removedWithRemovedNeighbour++;
          }
        }
        assertThat(removed).isEqualTo(21f);
      }
      // blocks: almost every removed patch touches another removed one
      assertThat(removedWithRemovedNeighbour).isGreaterThan((int) (0.9 * 16 * 21));
      MaeOutput out = m.forward(torch.rand(2, 3, 28, 20), 9L);
      assertThat(TensorData.toFloatArray(out.mask().sum())).containsExactly(2f * 21);
    }
  }

  /** The masks [n·L] (1 removed) that {@code seed} gives under the model's sampling. */
  private static float[] masks(MaskedAutoencoder m, MaeConfig config, int n, long seed) {
    return TensorData.toFloatArray(MaskedAutoencoder.randomMasking(
        m.sampleNoise(n, torch.createCPUGenerator(seed)), config.getNumVisible()).mask());
  }
}

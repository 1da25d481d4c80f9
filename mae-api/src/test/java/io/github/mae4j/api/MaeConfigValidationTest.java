package io.github.mae4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** One test per rule of {@link MaeConfig#check()} and {@link TransformerSpec}: each message names field, value, rule. */
class MaeConfigValidationTest {

  @Test
  void imageSize_notDivisibleByPatchSize_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().imageSize(230).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("imageSize (230) must be divisible by patchSize (16)");
  }

  @Test
  void encoderEmbedDim_notDivisibleByHeads_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().encoder(e -> e.embedDim(1000).numHeads(16)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encoder.embedDim (1000) must be divisible by encoder.numHeads (16)");
  }

  @Test
  void decoderEmbedDim_notDivisibleByHeads_isRejected() {
    assertThatThrownBy(() -> DecoderSpec.of(520, 8, 16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("decoder.embedDim (520) must be divisible by decoder.numHeads (16)");
  }

  @Test
  void embedDim_notDivisibleBy4_isRejectedForSinCos() {
    assertThatThrownBy(() -> EncoderSpec.builder().embedDim(30).numHeads(3).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encoder.embedDim (30) must be divisible by 4 for the 2D sin-cos position embedding");
  }

  @Test
  void maskRatio_one_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().maskRatio(1.0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maskRatio (1.0) must be in [0, 1)");
  }

  @Test
  void maskRatio_negative_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().maskRatio(-0.1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maskRatio (-0.1) must be in [0, 1)");
  }

  @Test
  void maskRatio_nan_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().maskRatio(Double.NaN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maskRatio (NaN) must be in [0, 1)");
  }

  @Test
  void maskRatio_leavingNoVisiblePatch_isRejected() {
    // 4 patches, r = 0.8: floor(4 × 0.2) = 0
    assertThatThrownBy(() -> MaeConfig.builder().imageSize(32).patchSize(16).maskRatio(0.8).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maskRatio (0.8) leaves no visible patch of 4: floor(L·(1−r)) must be at least 1");
  }

  @Test
  void maskRatio_zero_isAllowed() {
    assertThatCode(() -> MaeConfig.builder().maskRatio(0).build()).doesNotThrowAnyException();
  }

  @Test
  void imageSize_zero_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().imageSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("imageSize (0) must be positive");
  }

  @Test
  void patchSize_negative_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().patchSize(-16).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("patchSize (-16) must be positive");
  }

  @Test
  void inChannels_zero_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().inChannels(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inChannels (0) must be positive");
  }

  @Test
  void encoderDepth_zero_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().encoder(e -> e.depth(0)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encoder.depth (0) must be positive");
  }

  @Test
  void decoderHeads_zero_isRejected() {
    assertThatThrownBy(() -> DecoderSpec.builder().numHeads(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("decoder.numHeads (0) must be positive");
  }

  @Test
  void encoderEmbedDim_negative_isRejected() {
    assertThatThrownBy(() -> EncoderSpec.builder().embedDim(-8).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encoder.embedDim (-8) must be positive");
  }

  @Test
  void mlpRatio_zero_isRejected() {
    assertThatThrownBy(() -> EncoderSpec.builder().mlpRatio(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encoder.mlpRatio (0.0) must be a positive finite number");
  }

  @Test
  void layerNormEps_zero_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().layerNormEps(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layerNormEps (0.0) must be a positive number");
  }

  @Test
  void gridSampling_otherRatio_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().maskSampling(MaskSampling.GRID).maskRatio(0.5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maskRatio (0.5) must be 0.75 for maskSampling GRID (one patch of every 2×2 kept)");
  }

  @Test
  void gridSampling_oddGrid_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().imageSize(28).patchSize(4).maskSampling(MaskSampling.GRID).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gridSize (7 = imageSize/patchSize) must be even for maskSampling GRID");
  }

  @Test
  void gridSampling_nonSquareGridWithAnOddSide_isRejected() {
    assertThatThrownBy(() -> MaeConfig.builder().imageSize(32).imageWidth(20).patchSize(4)
        .maskSampling(MaskSampling.GRID).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gridHeight (8 = imageSize/patchSize) and gridWidth (5 = imageWidth/patchSize) must both be even"
            + " for maskSampling GRID");
  }

  @Test
  void maskSampling_nonSquareGrid_isAccepted() {
    assertThat(MaeConfig.builder().imageSize(32).imageWidth(24).patchSize(4).maskSampling(MaskSampling.GRID).build()
        .getNumPatches()).isEqualTo(48);
    assertThat(MaeConfig.builder().imageSize(28).imageWidth(20).patchSize(4).maskSampling(MaskSampling.BLOCK).build()
        .getNumPatches()).isEqualTo(35);
  }

  @Test
  void withCopy_invalidValue_isRejectedToo() {
    assertThatThrownBy(() -> MaeConfig.vitB16().withPatchSize(15))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("imageSize (224) must be divisible by patchSize (15)");
  }
}

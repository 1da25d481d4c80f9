package io.github.mae4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MaeConfigTest {

  @Test
  void builder_noValues_givesPaperDefaults() {
    MaeConfig c = MaeConfig.builder().build();
    assertThat(c.getImageSize()).isEqualTo(224);
    assertThat(c.getPatchSize()).isEqualTo(16);
    assertThat(c.getInChannels()).isEqualTo(3);
    assertThat(c.getEncoder().getEmbedDim()).isEqualTo(768);
    assertThat(c.getEncoder().getDepth()).isEqualTo(12);
    assertThat(c.getEncoder().getNumHeads()).isEqualTo(12);
    assertThat(c.getEncoder().getMlpRatio()).isEqualTo(4.0);
    assertThat(c.getDecoder().getEmbedDim()).isEqualTo(512);
    assertThat(c.getDecoder().getDepth()).isEqualTo(8);
    assertThat(c.getDecoder().getNumHeads()).isEqualTo(16);
    assertThat(c.getMaskRatio()).isEqualTo(0.75);
    assertThat(c.getMaskSampling()).isEqualTo(MaskSampling.RANDOM);
    assertThat(c.isNormPixLoss()).isTrue();
    assertThat(c.getLayerNormEps()).isEqualTo(1e-6);
    assertThat(c.isEncoderTakesMaskTokens()).isFalse();
  }

  @Test
  void derived_vitB16_countsPatchesAndHeads() {
    MaeConfig c = MaeConfig.vitB16();
    assertThat(c.getGridSize()).isEqualTo(14);
    assertThat(c.getNumPatches()).isEqualTo(196);
    assertThat(c.getNumVisible()).isEqualTo(49);
    assertThat(c.getNumMasked()).isEqualTo(147);
    assertThat(c.getPatchDim()).isEqualTo(768);
    assertThat(c.getEncoder().getHeadDim()).isEqualTo(64);
    assertThat(c.getDecoder().getHeadDim()).isEqualTo(32);
  }

  @Test
  void numVisible_oddCount_floorsLikeTheReference() {
    // L = 49, r = 0.75: int(49 * 0.25) = 12
    MaeConfig c = MaeConfig.builder().imageSize(28).patchSize(4).build();
    assertThat(c.getNumPatches()).isEqualTo(49);
    assertThat(c.getNumVisible()).isEqualTo(12);
  }

  @Test
  void presets_matchThePaperSizes() {
    assertThat(MaeConfig.vitL16().getEncoder()).isEqualTo(EncoderSpec.of(VitSize.LARGE));
    assertThat(MaeConfig.vitL16().getEncoder().getEmbedDim()).isEqualTo(1024);
    assertThat(MaeConfig.vitL16().getEncoder().getDepth()).isEqualTo(24);
    assertThat(MaeConfig.vitL16().getEncoder().getNumHeads()).isEqualTo(16);
    MaeConfig h = MaeConfig.vitH14();
    assertThat(h.getPatchSize()).isEqualTo(14);
    assertThat(h.getEncoder().getEmbedDim()).isEqualTo(1280);
    assertThat(h.getEncoder().getDepth()).isEqualTo(32);
    assertThat(h.getEncoder().getNumHeads()).isEqualTo(16);
    assertThat(h.getNumPatches()).isEqualTo(256);
    assertThat(h.getDecoder()).isEqualTo(MaeConfig.vitB16().getDecoder());
    MaeConfig t = MaeConfig.tiny();
    assertThat(t.getNumPatches()).isEqualTo(64);
    assertThat(t.getEncoder().getEmbedDim()).isEqualTo(192);
    assertThat(t.getDecoder().getNumHeads()).isEqualTo(4);
  }

  @Test
  void vitSizes_haveThePublishedWidthsDepthsHeads() {
    assertThat(VitSize.TINY.getEmbedDim()).isEqualTo(192);
    assertThat(VitSize.SMALL.getNumHeads()).isEqualTo(6);
    assertThat(VitSize.BASE.getDepth()).isEqualTo(12);
    assertThat(VitSize.LARGE.getDepth()).isEqualTo(24);
    assertThat(VitSize.HUGE.getEmbedDim()).isEqualTo(1280);
  }

  @Test
  void encoderParameterCount_vitB16_equalsTimmVitBaseWithoutHeadAndFixedPosEmbed() {
    // timm vit_base_patch16_224(num_classes=0) has 85,798,656 parameters, of which the learned pos_embed
    // is 197 × 768 = 151,296; MAE's pos_embed is a fixed sin-cos table.
    assertThat(MaeConfig.vitB16().getEncoderParameterCount()).isEqualTo(85_798_656L - 151_296L);
  }

  @Test
  void forwardMacs_vitB16_isAbout9point8G() {
    // the figure: ViT-B/16 MAE forward ≈ 9.8 GMAC per image
    assertThat(MaeConfig.vitB16().getForwardMacs() / 1e9).isCloseTo(9.8, within(0.1));
    assertThat(MaeConfig.vitB16().getForwardFlops()).isEqualTo(2 * MaeConfig.vitB16().getForwardMacs());
  }

  @Test
  void forwardMacs_encoderTakesMaskTokens_encoderCostsAboutThreeTimesMore() {
    MaeConfig mae = MaeConfig.vitB16();
    MaeConfig ablation = mae.withEncoderTakesMaskTokens(true);
    long decoderAndEmbed = mae.withEncoder(mae.getEncoder().withDepth(1)).getForwardMacs()
        - mae.getEncoder().blockMacs(mae.getNumVisible() + 1);
    double encMae = mae.getForwardMacs() - decoderAndEmbed;
    assertThat(ablation.getForwardMacs()).isGreaterThan(mae.getForwardMacs());
    assertThat(mae.getEncoder().blockMacs(197) / (double) mae.getEncoder().blockMacs(50)).isGreaterThan(3.0);
    assertThat(encMae).isPositive();
  }

  @Test
  void withMaskRatio_copy_changesOnlyThatValue() {
    MaeConfig a = MaeConfig.vitL16();
    MaeConfig b = a.withMaskRatio(0.9);
    assertThat(b.getMaskRatio()).isEqualTo(0.9);
    assertThat(a.getMaskRatio()).isEqualTo(0.75);
    assertThat(b.getEncoder()).isEqualTo(a.getEncoder());
    assertThat(b.withMaskRatio(0.75)).isEqualTo(a);
  }

  @Test
  void encoderLambda_editsTheValueSetSoFar() {
    MaeConfig c = MaeConfig.vitL16().toBuilder().encoder(e -> e.depth(12)).build();
    assertThat(c.getEncoder().getEmbedDim()).isEqualTo(1024);
    assertThat(c.getEncoder().getDepth()).isEqualTo(12);
    MaeConfig d = MaeConfig.builder().decoder(x -> x.depth(1)).build();
    assertThat(d.getDecoder().getDepth()).isEqualTo(1);
    assertThat(d.getDecoder().getEmbedDim()).isEqualTo(512);
  }

  @Test
  void equalsAndHashCode_sameValues_equal() {
    assertThat(MaeConfig.vitB16()).isEqualTo(MaeConfig.builder().build());
    assertThat(MaeConfig.vitB16().hashCode()).isEqualTo(MaeConfig.builder().build().hashCode());
    assertThat(MaeConfig.vitB16()).isNotEqualTo(MaeConfig.vitL16());
  }

  @Test
  void json_roundTrip_equalsForEveryPreset() {
    for (MaeConfig c : new MaeConfig[] {MaeConfig.vitB16(), MaeConfig.vitL16(), MaeConfig.vitH14(), MaeConfig.tiny(),
        MaeConfig.tiny().withInChannels(1).withMaskSampling(MaskSampling.BLOCK).withNormPixLoss(false)}) {
      String json = Json.write(c);
      assertThat(Json.read(json, MaeConfig.class)).isEqualTo(c);
    }
  }

  @Test
  void json_containsNamedFields_andOmitsDerived() {
    String json = Json.write(MaeConfig.vitB16());
    assertThat(json).contains("\"imageSize\" : 224", "\"maskRatio\" : 0.75", "\"target\" : \"normalized-pixels\"",
        "\"embedDim\" : 768");
    assertThat(json).doesNotContain("numPatches", "headDim", "normPixLoss");
  }

  @Test
  void json_missingFields_takeDefaults() {
    MaeConfig c = Json.read("{\"maskRatio\": 0.5, \"encoder\": {\"depth\": 2}}", MaeConfig.class);
    assertThat(c.getMaskRatio()).isEqualTo(0.5);
    assertThat(c.getEncoder().getDepth()).isEqualTo(2);
    assertThat(c.getEncoder().getEmbedDim()).isEqualTo(768);
    assertThat(c.getImageSize()).isEqualTo(224);
  }

  @Test
  void json_invalidValue_failsWithTheRule() {
    assertThatThrownBy(() -> Json.read("{\"imageSize\": 225}", MaeConfig.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("imageSize (225) must be divisible by patchSize (16)");
  }

  @Test
  void json_unknownField_isRefused() {
    assertThatThrownBy(() -> Json.read("{\"maskRatioo\": 0.5}", MaeConfig.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maskRatioo");
  }

  @Test
  void json_formerNormPixLoss_readsAsTheTarget() {
    assertThat(Json.read("{\"normPixLoss\": false}", MaeConfig.class).getTarget())
        .isEqualTo(ReconstructionTarget.PIXELS);
    assertThat(Json.read("{\"normPixLoss\": true, \"imageSize\": 32, \"patchSize\": 4}", MaeConfig.class))
        .isEqualTo(MaeConfig.builder().imageSize(32).patchSize(4).target(ReconstructionTarget.NORMALIZED_PIXELS)
            .build());
    assertThat(Json.read("{\"target\": \"pixels\"}", MaeConfig.class).isNormPixLoss()).isFalse();
  }

  @Test
  void json_targetAndFormerNormPixLoss_refused() {
    assertThatThrownBy(() -> Json.read("{\"normPixLoss\": true, \"target\": \"pixels\"}", MaeConfig.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    assertThatThrownBy(() -> Json.read("{\"target\": \"hog\"}", MaeConfig.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pixels or normalized-pixels");
  }

  @Test
  void target_isSealed_switchCoversEveryCase() {
    for (ReconstructionTarget t : new ReconstructionTarget[] {ReconstructionTarget.PIXELS,
        ReconstructionTarget.NORMALIZED_PIXELS}) {
      String name = switch (t) {
        case ReconstructionTarget.Pixels p -> "pixels";
        case ReconstructionTarget.NormalizedPixels n -> "normalized-pixels";
      };
      assertThat(ReconstructionTarget.of(name)).isEqualTo(t);
      assertThat(MaeConfig.tiny().withTarget(t).isNormPixLoss()).isEqualTo(t == ReconstructionTarget.NORMALIZED_PIXELS);
    }
    assertThat(MaeConfig.tiny().withNormPixLoss(false).getTarget()).isEqualTo(ReconstructionTarget.PIXELS);
  }

  @Test
  void imageWidth_nonSquare_gridAndJson() {
    MaeConfig c = MaeConfig.vitB16().toBuilder().imageWidth(160).build();
    assertThat(c.getGridHeight()).isEqualTo(14);
    assertThat(c.getGridWidth()).isEqualTo(10);
    assertThat(c.getNumPatches()).isEqualTo(140);
    assertThat(Json.write(c)).contains("\"imageWidth\" : 160");
    assertThat(Json.read(Json.write(c), MaeConfig.class)).isEqualTo(c);
    assertThat(Json.write(MaeConfig.vitB16())).doesNotContain("imageWidth");
    // a square model stays square when its size changes
    assertThat(MaeConfig.tiny().withImageSize(48).getImageWidth()).isEqualTo(48);
    assertThatThrownBy(() -> MaeConfig.tiny().toBuilder().imageWidth(30).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("imageWidth (30) must be divisible by patchSize (4)");
  }
}

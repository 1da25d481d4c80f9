package io.github.mae4j.torch.weights;

import static io.github.mae4j.torch.weights.LayoutFixtures.assertClose;
import static io.github.mae4j.torch.weights.LayoutFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.io.Safetensors;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.nn.MaeOutput;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each layout's fixture, loaded into a mae4j model, computes what PyTorch computed with it (1e-5 relative to the
 * largest output value): the official and HF pretraining forward (loss, prediction, mask) and timm's features.
 */
class PretrainedWeightsTest {
  static final double TOL = 1e-5;
  @TempDir Path dir;

  @Test
  void load_officialPth_forwardEqualsFixture() throws Exception {
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(LayoutFixtures.model(), 0);
        PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      PretrainedWeights.Loaded r = PretrainedWeights.load(mae, LayoutFixtures.official(), null);
      assertThat(r.layout()).isEqualTo(WeightLayout.OFFICIAL);
      assertThat(r.result().layout()).isEqualTo(MaeCheckpoint.Layout.FULL);
      Map<String, Tensor> io = LayoutFixtures.io();
      MaeOutput out = mae.forward(io.get("images"), io.get("noise"));
      assertClose(out.pred(), io.get("official.pred"), TOL, "pred");
      assertClose(out.loss(), io.get("official.loss"), TOL, "loss");
      assertThat(bytes(out.mask())).isEqualTo(bytes(io.get("official.mask")));
    }
  }

  @Test
  void load_hfDirectory_takesEpsFromConfigAndForwardEqualsFixture() throws Exception {
    try (WeightFiles.Contents c = WeightFiles.read(LayoutFixtures.hf())) {
      assertThat(c.layout()).isEqualTo(WeightLayout.HF);
      MaeConfig model = PretrainedWeights.modelFor(c, LayoutFixtures.model());
      assertThat(model.getLayerNormEps()).isEqualTo(1e-12);
      try (MaskedAutoencoder mae = MaskedAutoencoder.create(model, 0);
          PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
        PretrainedWeights.Loaded r = PretrainedWeights.load(mae, c, null);
        assertThat(r.result().layout()).isEqualTo(MaeCheckpoint.Layout.FULL);
        assertThat(r.result().report().loaded()).hasSize(mae.stateDict().size());
        Map<String, Tensor> io = LayoutFixtures.io();
        MaeOutput out = mae.forward(io.get("images"), io.get("noise"));
        assertClose(out.pred(), io.get("hf.logits"), TOL, "logits");
        assertClose(out.loss(), io.get("hf.loss"), TOL, "loss");
        assertThat(bytes(out.mask())).isEqualTo(bytes(io.get("hf.mask")));
      }
    }
  }

  @Test
  void read_hfAndOfficial_holdTheSameTensorsBitForBit() throws Exception {
    try (WeightFiles.Contents hf = WeightFiles.read(LayoutFixtures.hf());
        WeightFiles.Contents off = WeightFiles.read(LayoutFixtures.official())) {
      assertThat(hf.tensors().keySet()).containsExactlyInAnyOrderElementsOf(off.tensors().keySet());
      off.tensors().forEach((k, v) -> assertThat(bytes(hf.tensors().get(k))).as(k).isEqualTo(bytes(v)));
    }
  }

  @Test
  void load_timm_featuresEqualFixtureAndHeadIsReportedIgnored() throws Exception {
    for (Path file : new Path[] {LayoutFixtures.timm(), LayoutFixtures.timmNoEmbedClass()}) {
      String key = file.equals(LayoutFixtures.timm()) ? "timm.tokens" : "timm_nec.tokens";
      try (MaskedAutoencoder mae = MaskedAutoencoder.create(LayoutFixtures.model(), 0);
          PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
        PretrainedWeights.Loaded r = PretrainedWeights.load(mae, file, null);
        assertThat(r.layout()).isEqualTo(WeightLayout.TIMM);
        assertThat(r.result().layout()).isEqualTo(MaeCheckpoint.Layout.CLASSIFIER);
        assertThat(r.result().ignored()).containsExactlyInAnyOrder("head.weight", "head.bias");
        Map<String, Tensor> io = LayoutFixtures.io();
        assertClose(mae.features(io.get("images")).tokens(), io.get(key), TOL, key);
      }
    }
  }

  @Test
  void load_timmIntoLargerImages_resizesPositionsBicubically() throws Exception {
    MaeConfig model = LayoutFixtures.model().withImageSize(24);
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(model, 0);
        PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      PretrainedWeights.Loaded r = PretrainedWeights.load(mae, LayoutFixtures.timm(), null);
      assertThat(r.notes()).contains("pos_embed: 4×4 → 6×6 grid (bicubic)");
      Map<String, Tensor> io = LayoutFixtures.io();
      assertClose(mae.features(io.get("images24")).tokens(), io.get("timm.tokens24"), TOL, "tokens24");
    }
  }

  @Test
  void load_hfWithUnknownAndMissingNames_namesThemAllAndCopiesNothing() throws Exception {
    Map<String, Tensor> raw = new LinkedHashMap<>(Safetensors.read(LayoutFixtures.hf().resolve("model.safetensors")));
    Tensor extra = raw.get("vit.layernorm.bias");
    raw.remove("vit.encoder.layer.1.attention.attention.key.weight");
    raw.put("vit.pooler.dense.bias", extra);
    Path bad = dir.resolve("model.safetensors");
    Safetensors.write(bad, raw);
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(LayoutFixtures.model(), 3)) {
      byte[] before = bytes(mae.stateDict().get("cls_token"));
      assertThatThrownBy(() -> PretrainedWeights.load(mae, bad, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unexpected vit.pooler.dense.bias")
          .hasMessageContaining("unexpected vit.encoder.layer.1.attention.attention.query.weight")
          .hasMessageContaining("missing blocks.1.attn.qkv.weight");
      assertThat(bytes(mae.stateDict().get("cls_token"))).isEqualTo(before);
    }
  }

  @Test
  void load_otherWidth_reportsShapesByName() throws Exception {
    MaeConfig wide = LayoutFixtures.model().withEncoder(LayoutFixtures.model().getEncoder().withEmbedDim(48));
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(wide, 0)) {
      assertThatThrownBy(() -> PretrainedWeights.load(mae, LayoutFixtures.hf(), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("shape of cls_token: model [1, 1, 48], file [1, 1, 32]");
    }
  }

  @Test
  void load_otherChannelCount_refusedByNameUnlessAdapted() throws Exception {
    MaeConfig gray = LayoutFixtures.model().withInChannels(1);
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(gray, 0)) {
      assertThatThrownBy(() -> PretrainedWeights.load(mae, LayoutFixtures.official(), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("patch_embed.proj.weight has 3 input channel(s), the model 1")
          .hasMessageContaining("--adapt-channels mean|repeat");
    }
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(gray, 0);
        MaskedAutoencoder rgb = MaskedAutoencoder.create(LayoutFixtures.model(), 0);
        PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      PretrainedWeights.Loaded r = PretrainedWeights.load(mae, LayoutFixtures.official(), ChannelAdaptation.MEAN);
      assertThat(r.notes()).contains("patch_embed.proj.weight: 3 → 1 channels (MEAN)");
      PretrainedWeights.load(rgb, LayoutFixtures.official(), null);
      // a gray image through the adapted model = the same image as three equal channels through the original
      Tensor gray1 = LayoutFixtures.io().get("images").narrow(1, 0, 1).contiguous();
      Tensor gray3 = gray1.expand(2, 3, 16, 16).contiguous();
      assertClose(mae.features(gray1).tokens(), rgb.features(gray3).tokens(), TOL, "gray features");
    }
  }

  @Test
  void read_hfPytorchModelBinAndViTMaeModelNames_loadAsHf() throws Exception {
    Map<String, Tensor> hf = Safetensors.read(LayoutFixtures.hf().resolve("model.safetensors"));
    // ViTMAEModel (the encoder alone) names its tensors without the "vit." prefix and has no decoder
    io.github.mae4j.torch.io.pth.PyOrderedDict encoderOnly = new io.github.mae4j.torch.io.pth.PyOrderedDict();
    hf.forEach((k, v) -> {
      if (k.startsWith("vit.")) {
        encoderOnly.put(k.substring(4), v);
      }
    });
    Path model = java.nio.file.Files.createDirectories(dir.resolve("vit-mae-model"));
    io.github.mae4j.torch.io.pth.TorchCheckpoint.write(model.resolve("pytorch_model.bin"), encoderOnly);
    java.nio.file.Files.copy(LayoutFixtures.hf().resolve("config.json"), model.resolve("config.json"));
    assertThat(WeightFiles.isHfDirectory(model)).isTrue();
    try (WeightFiles.Contents c = WeightFiles.read(model)) {
      assertThat(c.layout()).isEqualTo(WeightLayout.HF);
      assertThat(c.hfConfig()).isPresent();
      try (MaskedAutoencoder mae = MaskedAutoencoder.create(PretrainedWeights.modelFor(c, LayoutFixtures.model()), 0);
          PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
        PretrainedWeights.Loaded r = PretrainedWeights.load(mae, c, null);
        assertThat(r.result().layout()).isEqualTo(MaeCheckpoint.Layout.ENCODER);
        Map<String, Tensor> io = LayoutFixtures.io();
        // the same weights as timm's fixture; LayerNorm eps 1e-12 here, 1e-6 there
        assertClose(mae.features(io.get("images")).tokens(), io.get("timm.tokens"), TOL, "tokens");
      }
    }
  }
}

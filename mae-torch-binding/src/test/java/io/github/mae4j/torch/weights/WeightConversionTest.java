package io.github.mae4j.torch.weights;

import static io.github.mae4j.torch.weights.LayoutFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.io.Safetensors;
import io.github.mae4j.torch.io.pth.PythonTorch;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversions between layouts: bit-exact round trips, and PyTorch loading what mae4j wrote. */
class WeightConversionTest {
  static final WeightConversion.Options TINY_HEADS = new WeightConversion.Options(4, 2, 0, 0, null);
  @TempDir Path dir;

  /** Every tensor of {@code a} equals {@code b}'s of the same name, byte for byte, and no name differs. */
  static void assertSameTensors(Path a, Path b) throws Exception {
    try (WeightFiles.Contents x = WeightFiles.read(a); WeightFiles.Contents y = WeightFiles.read(b)) {
      assertThat(x.tensors().keySet()).containsExactlyInAnyOrderElementsOf(y.tensors().keySet());
      x.tensors().forEach((k, v) -> assertThat(bytes(y.tensors().get(k))).as(k).isEqualTo(bytes(v)));
    }
  }

  /** The raw names and bytes of a safetensors file equal another's. */
  static void assertSameSafetensors(Path a, Path b) throws Exception {
    Map<String, Tensor> x = Safetensors.read(a);
    Map<String, Tensor> y = Safetensors.read(b);
    assertThat(x.keySet()).containsExactlyInAnyOrderElementsOf(y.keySet());
    x.forEach((k, v) -> assertThat(bytes(y.get(k))).as(k).isEqualTo(bytes(v)));
  }

  @Test
  void convert_hfToOfficialAndBack_isBitExact() throws Exception {
    WeightConversion r = WeightConversion.convert(LayoutFixtures.hf(), WeightLayout.OFFICIAL,
        dir.resolve("official.pth"), WeightConversion.Options.none());
    assertThat(r.from()).isEqualTo(WeightLayout.HF);
    assertThat(r.model().getEncoder().getNumHeads()).isEqualTo(4);
    WeightConversion back = WeightConversion.convert(dir.resolve("official.pth"), WeightLayout.HF, dir.resolve("hf"),
        TINY_HEADS);
    assertThat(back.tensors()).isEqualTo(r.tensors());
    assertSameSafetensors(LayoutFixtures.hf().resolve("model.safetensors"), dir.resolve("hf/model.safetensors"));
    HfConfig original = HfConfig.read(LayoutFixtures.hf());
    // an official .pth carries no LayerNorm eps: it comes back as the official 1e-6
    assertThat(HfConfig.read(dir.resolve("hf"))).isEqualTo(
        new HfConfig(original.hiddenSize(), original.numHiddenLayers(), original.numAttentionHeads(),
            original.intermediateSize(), original.decoderHiddenSize(), original.decoderNumHiddenLayers(),
            original.decoderNumAttentionHeads(), original.decoderIntermediateSize(), original.imageSize(),
            original.imageWidth(), original.patchSize(), original.numChannels(), original.maskRatio(), true, 1e-6));
  }

  @Test
  void convert_nonSquareModelToHfAndBack_isBitExactWithAnImageSizePair() throws Exception {
    // 28×20 px, a 7×5 grid: HF's config.json takes image_size as [height, width]
    MaeConfig config = AnyChannelCountTest.tiny(1).toBuilder().imageSize(28).imageWidth(20).build();
    Path official = dir.resolve("model.pth");
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(config, 5)) {
      WeightFiles.write(official, WeightLayout.OFFICIAL, mae.stateDict(), config);
    }
    WeightConversion r = WeightConversion.convert(official, WeightLayout.HF, dir.resolve("hf"),
        new WeightConversion.Options(4, 2, 0, 28, 20, null));
    assertThat(r.model().getGridHeight()).isEqualTo(7);
    assertThat(r.model().getGridWidth()).isEqualTo(5);
    assertThat(r.notes()).isEmpty();
    JsonNode json = new ObjectMapper().readTree(dir.resolve("hf/config.json").toFile());
    assertThat(json.get("image_size").isArray()).isTrue();
    assertThat(json.get("image_size").get(0).asInt()).isEqualTo(28);
    assertThat(json.get("image_size").get(1).asInt()).isEqualTo(20);
    assertThat(json.get("patch_size").asInt()).isEqualTo(4);
    HfConfig hf = HfConfig.read(dir.resolve("hf"));
    assertThat(hf).isEqualTo(HfConfig.of(config));
    assertThat(hf.toMaeConfig().getImageSize()).isEqualTo(28);
    assertThat(hf.toMaeConfig().getImageWidth()).isEqualTo(20);

    // back to official from the HF directory alone: its config.json carries the 28×20
    WeightConversion back = WeightConversion.convert(dir.resolve("hf"), WeightLayout.OFFICIAL,
        dir.resolve("back.pth"), WeightConversion.Options.none());
    assertThat(back.model().getImageWidth()).isEqualTo(20);
    assertThat(back.tensors()).isEqualTo(r.tensors());
    assertSameTensors(official, dir.resolve("back.pth"));
  }

  @Test
  void readHfConfig_sizePairs_readAsTheIntFormAndUnequalPatchSidesRefused() throws Exception {
    String square = Files.readString(LayoutFixtures.hf().resolve("config.json"));
    HfConfig original = HfConfig.read(LayoutFixtures.hf());
    int s = original.imageSize();
    int p = original.patchSize();
    Path pairs = dir.resolve("pairs.json");
    Files.writeString(pairs, square
        .replaceFirst("\"image_size\"\\s*:\\s*\\d+", "\"image_size\": [" + s + ", " + s + "]")
        .replaceFirst("\"patch_size\"\\s*:\\s*\\d+", "\"patch_size\": [" + p + ", " + p + "]"));
    assertThat(HfConfig.read(pairs)).isEqualTo(original);
    Path unequal = dir.resolve("unequal.json");
    Files.writeString(unequal, square.replaceFirst("\"patch_size\"\\s*:\\s*\\d+",
        "\"patch_size\": [" + p + ", " + 2 * p + "]"));
    assertThatThrownBy(() -> HfConfig.read(unequal)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("patch_size is [" + p + ", " + 2 * p + "], mae4j's patches are square");
  }

  @Test
  void convert_hfToHf_keepsConfigAndTensors() throws Exception {
    WeightConversion.convert(LayoutFixtures.hf(), WeightLayout.HF, dir.resolve("hf"), WeightConversion.Options.none());
    assertThat(HfConfig.read(dir.resolve("hf"))).isEqualTo(HfConfig.read(LayoutFixtures.hf()));
    assertSameSafetensors(LayoutFixtures.hf().resolve("model.safetensors"), dir.resolve("hf/model.safetensors"));
  }

  @Test
  void convert_officialToHfToOfficial_isBitExact() throws Exception {
    WeightConversion.convert(LayoutFixtures.official(), WeightLayout.HF, dir.resolve("hf"), TINY_HEADS);
    WeightConversion.convert(dir.resolve("hf"), WeightLayout.OFFICIAL, dir.resolve("back.pth"),
        WeightConversion.Options.none());
    assertSameTensors(LayoutFixtures.official(), dir.resolve("back.pth"));
  }

  @Test
  void convert_timmToOfficialAndBack_isBitExactWithItsHead() throws Exception {
    WeightConversion r = WeightConversion.convert(LayoutFixtures.timm(), WeightLayout.OFFICIAL,
        dir.resolve("o.safetensors"), TINY_HEADS);
    assertThat(r.ignored()).containsExactlyInAnyOrder("head.weight", "head.bias");
    WeightConversion.convert(dir.resolve("o.safetensors"), WeightLayout.TIMM, dir.resolve("t.safetensors"),
        TINY_HEADS);
    assertSameSafetensors(LayoutFixtures.timm(), dir.resolve("t.safetensors"));
  }

  @Test
  void convert_officialToTimm_leavesTheDecoderOutAndSaysSo() throws Exception {
    WeightConversion r = WeightConversion.convert(LayoutFixtures.official(), WeightLayout.TIMM,
        dir.resolve("t.safetensors"), TINY_HEADS);
    assertThat(r.dropped()).contains("mask_token", "decoder_pos_embed", "decoder_pred.weight");
    assertThat(Safetensors.read(dir.resolve("t.safetensors")).keySet()).noneMatch(k -> k.startsWith("decoder"));
  }

  @Test
  void convert_timmWithoutClsSlot_addsAZeroRow() throws Exception {
    WeightConversion r = WeightConversion.convert(LayoutFixtures.timmNoEmbedClass(), WeightLayout.OFFICIAL,
        dir.resolve("o.pth"), TINY_HEADS);
    assertThat(r.notes()).containsExactly("pos_embed: zero cls slot added (the file has none)");
    Tensor pos = WeightFiles.read(dir.resolve("o.pth")).tensors().get("pos_embed");
    assertThat(pos.size(1)).isEqualTo(17);
    assertThat(io.github.mae4j.torch.internal.TensorData.toFloatArray(pos.narrow(1, 0, 1))).containsOnly(0f);
  }

  @Test
  void convert_headsNotInTheWeights_asksForThem() {
    assertThatThrownBy(() -> WeightConversion.convert(LayoutFixtures.official(), WeightLayout.HF, dir.resolve("hf"),
        WeightConversion.Options.none()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--heads");
    assertThat(dir.resolve("hf")).doesNotExist();
  }

  @Test
  void convert_toOtherChannels_adaptsOnlyWhenAsked() throws Exception {
    assertThatThrownBy(() -> WeightConversion.convert(LayoutFixtures.hf(), WeightLayout.HF, dir.resolve("hf13"),
        new WeightConversion.Options(0, 0, 13, 0, null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patch_embed.proj.weight has 3");
    WeightConversion r = WeightConversion.convert(LayoutFixtures.hf(), WeightLayout.HF, dir.resolve("hf13"),
        new WeightConversion.Options(0, 0, 13, 0, ChannelAdaptation.REPEAT));
    assertThat(r.model().getInChannels()).isEqualTo(13);
    assertThat(HfConfig.read(dir.resolve("hf13")).numChannels()).isEqualTo(13);
    Map<String, Tensor> t = Safetensors.read(dir.resolve("hf13/model.safetensors"));
    assertThat(t.get("vit.embeddings.patch_embeddings.projection.weight").size(1)).isEqualTo(13);
    assertThat(t.get("decoder.decoder_pred.weight").size(0)).isEqualTo(4 * 4 * 13);
  }

  @Test
  void convert_outputsLoadInPyTorch_andComputeTheFixtureOutputs() throws Exception {
    assumeThat(PythonTorch.interpreter()).as("a python3 that imports torch").isPresent();
    WeightConversion.convert(LayoutFixtures.hf(), WeightLayout.OFFICIAL, dir.resolve("o.pth"),
        WeightConversion.Options.none());
    WeightConversion.convert(LayoutFixtures.official(), WeightLayout.HF, dir.resolve("hf"), TINY_HEADS);
    WeightConversion.convert(LayoutFixtures.hf(), WeightLayout.TIMM, dir.resolve("t.safetensors"),
        WeightConversion.Options.none());
    WeightConversion.convert(LayoutFixtures.official(), WeightLayout.TIMM, dir.resolve("t.pth"), TINY_HEADS);
    List<String> cmd = List.of(PythonTorch.interpreter().orElseThrow(),
        PythonTorch.repoRoot().resolve("tools/make_layout_fixtures.py").toString(), "--check",
        "official=" + dir.resolve("o.pth"), "hf=" + dir.resolve("hf"), "timm=" + dir.resolve("t.safetensors"),
        "timm=" + dir.resolve("t.pth"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("\"ok\": true");
    assertThat(Files.exists(dir.resolve("hf/config.json"))).isTrue();
  }

  @Test
  void convert_nonSquareThirteenBandModel_pytorchLoadsEveryLayoutStrictlyAndComputesMae4jsOutputs()
      throws Exception {
    assumeThat(PythonTorch.interpreter()).as("a python3 that imports torch").isPresent();
    // 28×20 px: a 7×5 grid (HF config.json image_size [28, 20]), 13 bands
    MaeConfig config = AnyChannelCountTest.tiny(13).toBuilder().imageSize(28).imageWidth(20).build();
    Path ioFile = dir.resolve("io.safetensors");
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(config, 5);
        org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope();
        org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
      WeightFiles.write(dir.resolve("model.pth"), WeightLayout.OFFICIAL, mae.stateDict(), config);
      Tensor images = AnyChannelCountTest.images(2, 13, 28, 20, 21).mul(new org.bytedeco.pytorch.Scalar(2f))
          .sub(new org.bytedeco.pytorch.Scalar(1f));
      Tensor noise = AnyChannelCountTest.images(1, 1, 2, 35, 22).reshape(2, 35);
      Tensor pred = mae.forward(images, noise).pred();
      Tensor tokens = mae.features(images).tokens();
      Map<String, Tensor> out = new java.util.LinkedHashMap<>();
      out.put("images", images.contiguous());
      out.put("noise", noise.contiguous());
      out.put("official.pred", pred.contiguous());
      out.put("timm.tokens", tokens.contiguous());
      io.github.mae4j.torch.io.Safetensors.write(ioFile, out);
    }
    // an official .pth does not say its image size, and 1 + 35 rows are no square grid: refused, not guessed
    assertThatThrownBy(() -> WeightConversion.convert(dir.resolve("model.pth"), WeightLayout.HF,
        dir.resolve("guessed"), new WeightConversion.Options(4, 2, 0, 0, 0, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pos_embed has 36 rows: 1 cls + 35 patches, not a square grid")
        .hasMessageContaining("--image-size H --image-width W");
    WeightConversion.convert(dir.resolve("model.pth"), WeightLayout.HF, dir.resolve("hf"),
        new WeightConversion.Options(4, 2, 0, 28, 20, null));
    WeightConversion.convert(dir.resolve("hf"), WeightLayout.OFFICIAL, dir.resolve("o.pth"),
        WeightConversion.Options.none());
    WeightConversion.convert(dir.resolve("hf"), WeightLayout.TIMM, dir.resolve("t.safetensors"),
        WeightConversion.Options.none());
    List<String> cmd = List.of(PythonTorch.interpreter().orElseThrow(),
        PythonTorch.repoRoot().resolve("tools/make_layout_fixtures.py").toString(), "--check-model", "io=" + ioFile,
        "hf=" + dir.resolve("hf"), "official=" + dir.resolve("o.pth"), "timm=" + dir.resolve("t.safetensors"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("\"ok\": true", "\"image_size\": [28, 20]", "\"grid\": [7, 5]",
        "\"channels\": 13", "official.pred", "timm.tokens", "hf.logits");
  }
}

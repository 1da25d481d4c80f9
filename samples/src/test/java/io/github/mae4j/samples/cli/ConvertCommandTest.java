package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.io.Safetensors;
import io.github.mae4j.torch.run.TensorData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mae convert} on the layout fixtures of mae-torch-binding (tools/make_layout_fixtures.py). */
class ConvertCommandTest {
  static final Path LAYOUTS = Path.of("..", "mae-torch-binding", "src", "test", "resources", "layouts");
  @TempDir Path dir;

  @Test
  void convert_hfToOfficialAndBack_writesTheSameTensors() throws Exception {
    CliHarness a = new CliHarness();
    assertThat(a.run("convert", LAYOUTS.resolve("hf").toString(), "--to", "official", "--out",
        dir.resolve("mae.pth").toString())).as(a.err()).isZero();
    assertThat(a.out()).contains("(HF)").contains("(OFFICIAL): 50 tensors");
    CliHarness b = new CliHarness();
    assertThat(b.run("convert", dir.resolve("mae.pth").toString(), "--to", "hf", "--out", dir.resolve("hf").toString(),
        "--heads", "4", "--decoder-heads", "2", "--json")).as(b.err()).isZero();
    assertThat(b.out()).contains("\"from\": \"official\", \"to\": \"hf\", \"tensors\": 50");
    assertThat(dir.resolve("hf/config.json")).exists();
    Map<String, Tensor> before = Safetensors.read(LAYOUTS.resolve("hf/model.safetensors"));
    Map<String, Tensor> after = Safetensors.read(dir.resolve("hf/model.safetensors"));
    assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(before.keySet());
    before.forEach((k, v) -> assertThat(TensorData.of(after.get(k)).bytes()).as(k).isEqualTo(TensorData.of(v).bytes()));
  }

  @Test
  void convert_toANonSquareSize_resizesTheGridsAndWritesAnImageSizePair() throws Exception {
    CliHarness a = new CliHarness();
    assertThat(a.run("convert", LAYOUTS.resolve("hf").toString(), "--to", "hf", "--image-size", "32",
        "--image-width", "24", "--out", dir.resolve("hf").toString())).as(a.err()).isZero();
    String config = Files.readString(dir.resolve("hf/config.json"));
    assertThat(config.replaceAll("\\s", "")).contains("\"image_size\":[32,24]").contains("\"patch_size\":4");
    Map<String, Tensor> t = Safetensors.read(dir.resolve("hf/model.safetensors"));
    // the fixture's 4×4 grid (16 px, 4-px patches) resized to 8×6 (32×24 px): 48 patch rows and the cls row
    assertThat(t.get("vit.embeddings.position_embeddings").size(1)).isEqualTo(49);
    CliHarness b = new CliHarness();
    assertThat(b.run("convert", dir.resolve("hf").toString(), "--to", "official", "--out",
        dir.resolve("mae.pth").toString(), "--json")).as(b.err()).isZero();
    assertThat(b.out()).contains("\"from\": \"hf\", \"to\": \"official\", \"tensors\": 50");
  }

  @Test
  void convert_toTimm_saysTheDecoderIsLeftOut() {
    CliHarness h = new CliHarness();
    assertThat(h.run("convert", LAYOUTS.resolve("hf").toString(), "--to", "timm", "--out",
        dir.resolve("vit.safetensors").toString())).as(h.err()).isZero();
    assertThat(h.out()).contains("decoder left out");
  }

  @Test
  void convert_usageErrors_exitTwoWithTheReason() {
    CliHarness layout = new CliHarness();
    assertThat(layout.run("convert", LAYOUTS.resolve("hf").toString(), "--to", "onnx", "--out",
        dir.resolve("x").toString())).isEqualTo(2);
    assertThat(layout.err()).contains("--to must be official, hf or timm, got 'onnx'");
    CliHarness heads = new CliHarness();
    assertThat(heads.run("convert", LAYOUTS.resolve("official/mae_full.pth").toString(), "--to", "hf", "--out",
        dir.resolve("hf").toString())).isEqualTo(2);
    assertThat(heads.err()).contains("--heads");
    CliHarness channels = new CliHarness();
    assertThat(channels.run("convert", LAYOUTS.resolve("hf").toString(), "--to", "hf", "--channels", "1", "--out",
        dir.resolve("hf1").toString())).isEqualTo(2);
    assertThat(channels.err()).contains("patch_embed.proj.weight has 3 input channel(s), the model 1");
    assertThat(Files.exists(dir.resolve("hf1"))).isFalse();
  }
}

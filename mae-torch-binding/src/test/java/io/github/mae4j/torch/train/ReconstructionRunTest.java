package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ReconstructionRun} draws a grid from an official-format checkpoint of a tiny model. */
class ReconstructionRunTest {
  @TempDir Path dir;

  private static final MaeConfig TINY = MaeConfig.builder().imageSize(16).patchSize(4)
      .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2)).build();

  @Test
  void run_officialFile_writesOneRowPerImageAndLogsTheLayout() throws Exception {
    Path pth = dir.resolve("tiny_full.pth");
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(TINY, 3)) {
      MaeCheckpoint.save(mae, pth);
    }
    PretrainRecipe official = PretrainRecipe.builder().name("official").model(TINY)
        .normalization(Normalization.imagenet()).build();
    List<String> log = new ArrayList<>();
    Path png = dir.resolve("grid.png");
    ReconstructionRun.Result r = ReconstructionRun.of(pth, official, png).withCount(3, 1).run(log::add);
    assertThat(r.png()).isEqualTo(png);
    assertThat(r.source()).isEqualTo("synthetic");
    assertThat(r.model()).isEqualTo(pth);
    assertThat(log).singleElement().asString().startsWith("loaded " + pth + " as FULL");
    BufferedImage grid = ImageIO.read(png.toFile());
    int cell = 16 * ReconstructionGrid.scaleFor(16, 112);
    // three rows and four columns of cells, plus margins and titles
    assertThat(grid.getHeight()).isGreaterThanOrEqualTo(3 * cell);
    assertThat(grid.getWidth()).isGreaterThanOrEqualTo(4 * cell);
    assertThat(ReconstructionRun.namesItsModel(pth)).isFalse();
    assertThat(ReconstructionRun.namesItsModel(dir)).isTrue();
  }

  @Test
  void run_officialFileWithoutItsModel_saysSo() throws Exception {
    Path pth = dir.resolve("x.pth");
    Files.write(pth, new byte[] {1});
    assertThatThrownBy(() -> ReconstructionRun.of(pth, null, dir.resolve("g.png")).run(s -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x.pth is not a mae4j checkpoint");
    assertThatThrownBy(() -> ReconstructionRun.of(pth, null, dir.resolve("g.png")).withCount(0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("count must be >= 1, got 0");
  }

  @Test
  void run_hfDirectory_takesItsModelFromConfigJson() throws Exception {
    Path hf = Path.of(ReconstructionRunTest.class.getResource("/layouts/io.safetensors").toURI()).resolveSibling("hf");
    assertThat(ReconstructionRun.namesItsModel(hf)).isFalse();
    // the given model (vit-b16 at 224 px) is replaced by the directory's (16 px, 32 wide, eps 1e-12)
    PretrainRecipe official = PretrainRecipe.builder().name("official").model(MaeConfig.vitB16())
        .normalization(Normalization.imagenet()).build();
    List<String> log = new ArrayList<>();
    Path png = dir.resolve("hf.png");
    ReconstructionRun.of(hf, official, png).withCount(2, 1).run(log::add);
    assertThat(log).singleElement().asString().startsWith("loaded " + hf + " as FULL (HF names");
    BufferedImage grid = ImageIO.read(png.toFile());
    assertThat(grid.getHeight()).isGreaterThanOrEqualTo(2 * 16 * ReconstructionGrid.scaleFor(16, 112));
  }
}

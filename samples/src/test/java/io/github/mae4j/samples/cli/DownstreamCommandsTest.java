package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DownstreamCommandsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  private int run(String... args) {
    CommandLine cl = MaeCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void help_everyDownstreamVerb_exits0WithItsOptions() {
    for (String verb : new String[] {"finetune", "linprobe", "knn", "features"}) {
      assertThat(run(verb, "--help")).isEqualTo(0);
      assertThat(out.toString()).contains("--checkpoint", "--json");
    }
    assertThat(out.toString()).contains("--last-blocks", "--ema", "--temperature", "--labels-out");
  }

  @Test
  void knn_missingCheckpoint_exits2NamingIt() {
    assertThat(run("knn", "--checkpoint", dir.resolve("nope.ckpt").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("nope.ckpt", "does not exist");
  }

  @Test
  void features_neitherImagesNorData_exits2() {
    assertThat(run("features", "--out", dir.resolve("f.npy").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--images", "--data");
  }

  @Test
  void features_folderWithRandomEncoder_writesOneRowPerImage() throws Exception {
    Path images = Files.createDirectories(dir.resolve("imgs/shirts"));
    for (int i = 0; i < 3; i++) {
      BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
      img.setRGB(i, i, 0xFFFFFF);
      ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
    }
    Path npy = dir.resolve("f.npy");
    assertThat(run("features", "--images", dir.resolve("imgs").toString(), "--out", npy.toString()))
        .as(err.toString()).isEqualTo(0);
    // the fashion-mnist recipe's encoder is 192 wide: [3, 192] float32 = header + 3·192·4 bytes
    byte[] b = Files.readAllBytes(npy);
    int off = 10 + ((b[8] & 0xFF) | (b[9] & 0xFF) << 8);
    String header = new String(b, 10, off - 10, java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(header).contains("'shape': (3, 192)");
    assertThat(b.length).isEqualTo(off + 3 * 192 * 4);
    assertThat(out.toString()).contains("[3, 192]");
  }

  @Test
  void features_hfCheckpointOfOtherChannels_refusedUnlessAdapted() throws Exception {
    Path images = Files.createDirectories(dir.resolve("imgs/a"));
    for (int i = 0; i < 2; i++) {
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
      img.setRGB(i, i, 0xFFFFFF);
      ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
    }
    // the HF fixture: 3 channels, 32 wide, 16 px; the fashion-mnist recipe: 1 channel, 28 px
    String hf = ConvertCommandTest.LAYOUTS.resolve("hf").toString();
    Path npy = dir.resolve("f.npy");
    assertThat(run("features", "--checkpoint", hf, "--images", dir.resolve("imgs").toString(), "--out",
        npy.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("patch_embed.proj.weight has 3 input channel(s), the model 1",
        "--adapt-channels");
    assertThat(run("features", "--checkpoint", hf, "--adapt-channels", "mean", "--images",
        dir.resolve("imgs").toString(), "--out", npy.toString())).as(err.toString()).isEqualTo(0);
    assertThat(out.toString()).contains("[2, 32]");
  }
}

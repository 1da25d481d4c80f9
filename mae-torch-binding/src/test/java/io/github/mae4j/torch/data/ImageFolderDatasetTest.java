package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
  @TempDir Path root;

  static Path png(Path file, int w, int h, int rgb) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, file.toString().endsWith(".png") ? "png" : "jpg", file.toFile());
    return file;
  }

  @Test
  void open_classSubfolders_giveSortedLabelsAndRecursiveFiles() throws IOException {
    png(root.resolve("zebra/a.png"), 4, 3, 0x000000);
    png(root.resolve("cat/deep/nested/b.PNG"), 5, 5, 0xFFFFFF);
    png(root.resolve("cat/c.jpg"), 6, 2, 0x808080);
    Files.writeString(root.resolve("cat/notes.txt"), "not an image");
    ImageFolderDataset ds = ImageFolderDataset.open(root, 3);
    assertThat(ds.classes()).containsExactly("cat", "zebra");
    assertThat(ds.size()).isEqualTo(3);
    assertThat(ds.files()).extracting(p -> p.getFileName().toString()).containsExactly("c.jpg", "b.PNG", "a.png");
    assertThat(ds.labels().orElseThrow()).containsExactly(0, 0, 1);
    Sample b = ds.read(1);
    assertThat(b.label()).isEqualTo(0);
    assertThat(b.height()).isEqualTo(5);
    assertThat(b.at(2, 4, 4)).isEqualTo(1f);
    Sample a = ds.read(2);
    assertThat(a.label()).isEqualTo(1);
    assertThat(a.width()).isEqualTo(4);
    assertThat(a.at(0, 0, 0)).isEqualTo(0f);
  }

  @Test
  void open_withACounter_isToldTheRunningCountAfterEachClass() throws IOException {
    png(root.resolve("a/1.png"), 2, 2, 0);
    png(root.resolve("b/1.png"), 2, 2, 0);
    png(root.resolve("b/2.png"), 2, 2, 0);
    List<Long> counts = new ArrayList<>();
    assertThat(ImageFolderDataset.open(root, 3, counts::add).size()).isEqualTo(3);
    assertThat(counts).containsExactly(1L, 3L);
  }

  @Test
  void open_aClassFolderWithoutImages_isAnErrorNamingIt() throws IOException {
    png(root.resolve("cat/a.png"), 2, 2, 0);
    Files.createDirectories(root.resolve("dog/nested"));
    Files.writeString(root.resolve("dog/readme.txt"), "no images here");
    assertThatThrownBy(() -> ImageFolderDataset.open(root, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class folder(s) [dog] under " + root + " hold no JPEG/PNG image");
  }

  @Test
  void open_flatFolder_isUnlabeled() throws IOException {
    png(root.resolve("x.png"), 2, 2, 0x102030);
    ImageFolderDataset ds = ImageFolderDataset.open(root, 3);
    assertThat(ds.classes()).isEmpty();
    Sample s = ds.read(0);
    assertThat(s.label()).isEqualTo(-1);
    assertThat(s.at(0, 1, 1)).isEqualTo(0x10 / 255f);
    assertThat(s.at(1, 1, 1)).isEqualTo(0x20 / 255f);
    assertThat(s.at(2, 1, 1)).isEqualTo(0x30 / 255f);
  }

  @Test
  void read_pureRedToGray_isBt601Luma() throws IOException {
    png(root.resolve("red.png"), 3, 3, 0xFF0000);
    Sample s = ImageFolderDataset.open(root, 1).read(0);
    assertThat(s.channels()).isEqualTo(1);
    assertThat(s.at(0, 2, 1) * 255f).isCloseTo(0.299f * 255f, within(1e-3f));
  }

  @Test
  void read_grayPngToRgb_replicatesTheExactValue() throws IOException {
    BufferedImage gray = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSample(1, 0, 0, 77);
    ImageIO.write(gray, "png", root.resolve("g.png").toFile());
    Sample s = ImageFolderDataset.open(root, 3).read(0);
    for (int c = 0; c < 3; c++) {
      assertThat(s.at(c, 0, 1)).isEqualTo(77 / 255f);
      assertThat(s.at(c, 0, 0)).isEqualTo(0f);
    }
  }

  @Test
  void read_rgbaPng_dropsAlphaKeepingStoredColor() throws IOException {
    BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x40C08020); // alpha 0x40
    ImageIO.write(argb, "png", root.resolve("a.png").toFile());
    Sample s = ImageFolderDataset.open(root, 3).read(0);
    assertThat(s.channels()).isEqualTo(3);
    assertThat(new float[] {s.at(0, 0, 0), s.at(1, 0, 0), s.at(2, 0, 0)})
        .containsExactly(0xC0 / 255f, 0x80 / 255f, 0x20 / 255f);
  }

  @Test
  void read_sixteenBitGrayPng_isScaledByItsDepth() throws IOException {
    BufferedImage g16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
    g16.getRaster().setSample(0, 0, 0, 65535 / 5);
    ImageIO.write(g16, "png", root.resolve("g16.png").toFile());
    Sample s = ImageFolderDataset.open(root, 1).read(0);
    assertThat(s.at(0, 0, 0)).isCloseTo(0.2f, within(1e-6f));
  }

  /**
   * cmyk.jpg: an 8×8 pure-red CMYK JPEG (C 0, M 255, Y 255, K 0) written by PIL (tools/cmyk_fixture.py). JDK 25's JPEG
   * reader decodes it; the pixels come out red through the sRGB conversion.
   */
  @Test
  void read_cmykJpeg_decodesToRgbAndGray() throws IOException {
    Path file = root.resolve("cmyk.jpg");
    try (var in = ImageFolderDatasetTest.class.getResourceAsStream("cmyk.jpg")) {
      Files.copy(in, file);
    }
    Sample rgb = ImageFolderDataset.open(root, 3).read(0);
    assertThat(rgb.at(0, 3, 3)).isCloseTo(1f, within(0.02f));
    assertThat(rgb.at(1, 3, 3)).isCloseTo(0f, within(0.02f));
    assertThat(rgb.at(2, 3, 3)).isCloseTo(0f, within(0.02f));
    Sample gray = ImageFolderDataset.open(root, 1).read(0);
    assertThat(gray.at(0, 3, 3)).isCloseTo(0.299f, within(0.02f));
  }

  @Test
  void open_emptyFolder_namesThePath() throws IOException {
    Files.createDirectories(root.resolve("sub"));
    assertThatThrownBy(() -> ImageFolderDataset.open(root, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no JPEG/PNG images").hasMessageContaining(root.toString());
  }

  @Test
  void open_missingFolderOrBadChannels_isRejected() {
    assertThatThrownBy(() -> ImageFolderDataset.open(root.resolve("nope"), 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    // any positive count opens (multi-band .tif/.npy files have any); JPEG/PNG files then refuse by name when read
    assertThatThrownBy(() -> ImageFolderDataset.open(root, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
  }

  @Test
  void loader_corruptAndTruncatedFiles_areSkippedCountedAndBatchesStayFull() throws IOException {
    for (int i = 0; i < 6; i++) {
      png(root.resolve("ok/" + i + ".png"), 8 + i, 9, 0x010101 * (i * 10));
    }
    Files.write(root.resolve("ok/3.png"), new byte[] {1, 2, 3, 4, 5}); // garbage
    Path jpg = png(root.resolve("ok/4.jpg"), 32, 32, 0x336699);
    byte[] full = Files.readAllBytes(jpg);
    Files.write(jpg, Arrays.copyOf(full, full.length / 2)); // truncated JPEG
    ImageFolderDataset ds = ImageFolderDataset.open(root, 3);
    assertThatThrownBy(() -> ds.read(ds.files().indexOf(jpg))).isInstanceOf(IOException.class)
        .hasMessageContaining(jpg.toString());
    List<int[]> indices = new ArrayList<>();
    try (DataLoader loader = DataLoader.builder(ds).batchSize(4).workers(2).seed(5)
        .transform(PretrainTransform.randomResizedCrop(8)).build()) {
      try (EpochIterator it = loader.epoch(0)) {
        while (it.hasNext()) {
          try (Batch b = it.next()) {
            // 7 files, 2 unreadable: every position is still filled (4 + 3), by replacements
            assertThat(b.shape()).containsExactly(b.number() == 0 ? 4 : 3, 3, 8, 8);
            indices.add(b.indices());
          }
        }
      }
      assertThat(indices).hasSize(2);
      assertThat(loader.skippedCount()).isEqualTo(2);
      assertThat(loader.skipped()).containsExactlyInAnyOrder(root.resolve("ok/3.png").toString(), jpg.toString());
      int bad1 = ds.files().indexOf(root.resolve("ok/3.png"));
      int bad2 = ds.files().indexOf(jpg);
      assertThat(indices.stream().flatMapToInt(Arrays::stream)).doesNotContain(bad1, bad2);
    }
  }
}

package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadImagesTest {
  @TempDir Path root;

  @Test
  void read_eachOddFile_decodesOrFailsWithItsReason() throws IOException {
    BadImages.write(root, 2);
    ImageFolderDataset ds = ImageFolderDataset.open(root, 3);
    for (String name : BadImages.ODD_BUT_READABLE) {
      Sample s = ds.read(ds.files().indexOf(root.resolve(name)));
      assertThat(s.channels()).as(name).isEqualTo(3);
    }
    assertThat(ds.read(ds.files().indexOf(root.resolve("one-pixel.png"))).height()).isEqualTo(1);
    Sample pal = ds.read(ds.files().indexOf(root.resolve("palette.png")));
    assertThat(pal.at(0, 1, 1)).isEqualTo(1f); // palette entry 1 is red
    assertThat(pal.at(1, 1, 1)).isEqualTo(0f);
    Sample g16 = ds.read(ds.files().indexOf(root.resolve("gray16.png")));
    assertThat(g16.at(0, 3, 3)).isEqualTo(g16.at(2, 3, 3)).isGreaterThan(0.5f);

    assertThatThrownBy(() -> ds.read(ds.files().indexOf(root.resolve("empty.png")))).isInstanceOf(IOException.class)
        .hasMessageContaining("empty.png");
    assertThatThrownBy(() -> ds.read(ds.files().indexOf(root.resolve("truncated.jpg"))))
        .isInstanceOf(IOException.class).hasMessageContaining("truncated.jpg");
    assertThatThrownBy(() -> ds.read(ds.files().indexOf(root.resolve("bomb.png")))).isInstanceOf(IOException.class)
        .hasMessageContaining("bomb.png").hasMessageContaining("40000×20000 = 800000000 pixels")
        .hasMessageContaining("limit of 178956970 pixels").hasMessageContaining("-Dmae4j.maxImagePixels");
  }

  @Test
  void maxImagePixels_property_lowersAndRaisesTheLimit() throws IOException {
    BadImages.rgb(root.resolve("a.png"), 30, 20, 1);
    ImageFolderDataset ds = ImageFolderDataset.open(root, 3);
    String old = System.getProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
    try {
      System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, "599");
      assertThatThrownBy(() -> ds.read(0)).isInstanceOf(IOException.class)
          .hasMessageContaining("30×20 = 600 pixels, more than the limit of 599 pixels");
      System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, "600");
      assertThat(ds.read(0).width()).isEqualTo(30);
      System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, "lots");
      assertThatThrownBy(() -> ds.read(0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("mae4j.maxImagePixels").hasMessageContaining("'lots'");
    } finally {
      if (old == null) {
        System.clearProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
      } else {
        System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, old);
      }
    }
  }

  @Test
  void loader_mixedFolder_skipsEachBadFileWithOneLineAndCountsPerEpoch() throws IOException {
    BadImages.write(root, 9);
    ImageFolderDataset ds = ImageFolderDataset.open(root, 3);
    List<String> lines = new CopyOnWriteArrayList<>();
    try (DataLoader loader = DataLoader.builder(ds).batchSize(4).workers(2).seed(3).dropLast(true)
        .transform(PretrainTransform.randomResizedCrop(8).normalize(Normalization.imagenet())).onSkip(lines::add)
        .build()) {
      for (int epoch = 0; epoch < 2; epoch++) {
        List<Integer> seen = new ArrayList<>();
        try (EpochIterator it = loader.epoch(epoch)) {
          while (it.hasNext()) {
            try (Batch b = it.next()) {
              assertThat(b.shape()).containsExactly(4, 3, 8, 8);
              Arrays.stream(b.indices()).forEach(seen::add);
            }
          }
        }
        for (String bad : BadImages.UNREADABLE) {
          assertThat(seen).doesNotContain(ds.files().indexOf(root.resolve(bad)));
        }
        // 16 files, 16 / 4 = 4 batches: every epoch visits all 16 positions, 3 of them unreadable
        assertThat(loader.skippedIn(epoch)).as("epoch " + epoch).isEqualTo(3);
      }
      assertThat(loader.skippedCount()).isEqualTo(3);
    }
    assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("skipped unreadable image").doesNotContain(
        "\n"));
    assertThat(String.join("|", lines)).contains("empty.png", "truncated.jpg", "bomb.png", "limit of 178956970");
  }
}

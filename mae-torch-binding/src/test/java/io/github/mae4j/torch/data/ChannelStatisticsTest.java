package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelStatisticsTest {
  @TempDir Path dir;

  @Test
  void measure_allImages_equalsThePooledPixelStatistics() throws IOException {
    // 2×2 red (255, 0, 0) and 1×2 gray 51: red channel pixels {1,1,1,1,0.2,0.2}
    ImageFolderDatasetTest.png(dir.resolve("a.png"), 2, 2, 0xFF0000);
    ImageFolderDatasetTest.png(dir.resolve("b.png"), 1, 2, 0x333333);
    Files.write(dir.resolve("c.png"), new byte[] {1, 2, 3});
    List<String> log = new ArrayList<>();
    List<long[]> progress = new ArrayList<>();
    ChannelStatistics s = ChannelStatistics.measure(ImageFolderDataset.open(dir, 3), 0, 0, log::add, (d, t) -> {
      progress.add(new long[] {d, t});
      return 0;
    });
    double redMean = (4 + 0.4) / 6;
    double redVar = (4 * Math.pow(1 - redMean, 2) + 2 * Math.pow(0.2 - redMean, 2)) / 6;
    assertThat(s.mean()[0]).isCloseTo(redMean, within(1e-6));
    assertThat(s.std()[0]).isCloseTo(Math.sqrt(redVar), within(1e-6));
    assertThat(s.mean()[1]).isCloseTo(0.4 / 6, within(1e-6));
    assertThat(s.images()).isEqualTo(2);
    assertThat(s.pixels()).isEqualTo(6);
    assertThat(s.skipped()).isEqualTo(1);
    assertThat(log).hasSize(1).allMatch(l -> l.startsWith("skipped unreadable image") && l.contains("c.png"));
    assertThat(progress.get(progress.size() - 1)).containsExactly(3, 3);
    assertThat(s.recipeFragment()).isEqualTo("normalization:\n  mean: [0.7333, 0.0667, 0.0667]\n  std: ["
        + String.format(java.util.Locale.ROOT, "%.4f", Math.sqrt(redVar)) + ", 0.0943, 0.0943]\n");
    assertThat(s.toNormalization().getMean()).containsExactly(0.7333, 0.0667, 0.0667);
  }

  @Test
  void measure_seededSample_takesThatManyImagesTheSameEachTime() throws IOException {
    for (int i = 0; i < 10; i++) {
      ImageFolderDatasetTest.png(dir.resolve(i + ".png"), 2, 2, 0x010101 * (i * 20));
    }
    ImageFolderDataset ds = ImageFolderDataset.open(dir, 1);
    ChannelStatistics a = ChannelStatistics.measure(ds, 4, 9, s -> { }, (d, t) -> 0);
    ChannelStatistics b = ChannelStatistics.measure(ds, 4, 9, s -> { }, (d, t) -> 0);
    assertThat(a.images()).isEqualTo(4);
    assertThat(a.mean()).containsExactly(b.mean());
    assertThat(ChannelStatistics.measure(ds, 0, 9, s -> { }, (d, t) -> 0).images()).isEqualTo(10);
  }
}

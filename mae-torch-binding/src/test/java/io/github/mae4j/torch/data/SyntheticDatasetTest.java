package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {
  @Test
  void read_sameSeedAndIndex_samePixels() {
    SyntheticDataset a = SyntheticDataset.of(100, 32, 3, 11);
    SyntheticDataset b = SyntheticDataset.of(100, 32, 3, 11);
    for (int i : new int[] {0, 7, 99}) {
      assertThat(b.read(i).chw()).isEqualTo(a.read(i).chw());
    }
  }

  @Test
  void read_otherSeedOrIndex_otherPixels() {
    SyntheticDataset a = SyntheticDataset.of(10, 32, 3, 11);
    SyntheticDataset b = SyntheticDataset.of(10, 32, 3, 12);
    assertThat(b.read(3).chw()).isNotEqualTo(a.read(3).chw());
    assertThat(a.read(4).chw()).isNotEqualTo(a.read(3).chw());
  }

  @Test
  void read_valuesInUnitRange_withRealContrast() {
    SyntheticDataset ds = SyntheticDataset.of(60, 48, 3, 5);
    for (int i = 0; i < 60; i++) {
      Sample s = ds.read(i);
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (float v : s.chw()) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assertThat(min).isGreaterThanOrEqualTo(0f);
      assertThat(max).isLessThanOrEqualTo(1f);
      assertThat(max - min).as("image %d (%s) has contrast", i, ds.shapeOf(i)).isGreaterThan(0.1f);
    }
  }

  @Test
  void labels_matchShapes_andCoverAllClasses() {
    SyntheticDataset ds = SyntheticDataset.of(300, 16, 1, 3);
    int[] labels = ds.labels().orElseThrow();
    int[] counts = new int[6];
    for (int i = 0; i < labels.length; i++) {
      assertThat(labels[i]).isEqualTo(ds.read(i).label()).isEqualTo(ds.shapeOf(i).ordinal());
      counts[labels[i]]++;
    }
    assertThat(Arrays.stream(counts).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(25, 75));
    assertThat(ds.classes()).containsExactly("circle", "rectangle", "triangle", "stripes", "checkerboard",
        "gradient");
  }

  @Test
  void read_grayVersion_isLumaOfColorVersion() {
    Sample rgb = SyntheticDataset.of(5, 20, 3, 9).read(2);
    Sample gray = SyntheticDataset.of(5, 20, 1, 9).read(2);
    int plane = 400;
    for (int i = 0; i < plane; i += 37) {
      float luma = 0.299f * rgb.chw()[i] + 0.587f * rgb.chw()[plane + i] + 0.114f * rgb.chw()[2 * plane + i];
      assertThat(gray.chw()[i]).isCloseTo(luma, within(1e-6f));
    }
  }

  @Test
  void circle_centerDiffersFromCorner() {
    SyntheticDataset ds = SyntheticDataset.of(200, 64, 1, 1);
    int i = 0;
    while (ds.shapeOf(i) != SyntheticDataset.Shape.CIRCLE) {
      i++;
    }
    float[] px = ds.read(i).chw();
    // a circle covers at least (0.15·64)² π ≈ 290 pixels of one contrasting color: the histogram is bimodal
    float[] sorted = px.clone();
    Arrays.sort(sorted);
    assertThat(sorted[sorted.length - 1] - sorted[0]).isGreaterThan(0.25f);
  }

  @Test
  void of_badArguments_areRejected() {
    assertThatThrownBy(() -> SyntheticDataset.of(0, 32, 3, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SyntheticDataset.of(1, 32, 2, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 2");
  }
}

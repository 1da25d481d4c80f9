package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
  @TempDir Path dir;

  /** An IDX file of unsigned bytes: header then data. */
  static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(data);
    return b.array();
  }

  static Path write(Path p, byte[] bytes, boolean gzip) throws IOException {
    if (!gzip) {
      return Files.write(p, bytes);
    }
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bos)) {
      out.write(bytes);
    }
    return Files.write(p, bos.toByteArray());
  }

  /** 3 images of 2×4 with pixel value (i*8 + k)*10 for image i, pixel k; labels 7, 0, 3. */
  private IdxDataset smallDataset(boolean gzip, int channels) throws IOException {
    byte[] pixels = new byte[3 * 8];
    for (int k = 0; k < pixels.length; k++) {
      pixels[k] = (byte) (k * 10);
    }
    Path images = write(dir.resolve("img" + gzip), idx(new int[] {3, 2, 4}, pixels), gzip);
    Path labels = write(dir.resolve("lab" + gzip), idx(new int[] {3}, new byte[] {7, 0, 3}), gzip);
    return IdxDataset.open(images, labels, channels);
  }

  @Test
  void open_plainFile_readsShapeLabelsAndScaledPixels() throws IOException {
    IdxDataset ds = smallDataset(false, 1);
    assertThat(ds.size()).isEqualTo(3);
    assertThat(ds.height()).isEqualTo(2);
    assertThat(ds.width()).isEqualTo(4);
    assertThat(ds.labels()).get().isEqualTo(new int[] {7, 0, 3});
    assertThat(ds.classes()).hasSize(8);
    Sample s = ds.read(1);
    assertThat(s.label()).isEqualTo(0);
    assertThat(s.at(0, 0, 0)).isEqualTo(80 / 255f);
    assertThat(s.at(0, 1, 3)).isEqualTo(150 / 255f);
  }

  @Test
  void open_gzippedFile_readsTheSameValuesAsPlain() throws IOException {
    IdxDataset plain = smallDataset(false, 1);
    IdxDataset gz = smallDataset(true, 1);
    for (int i = 0; i < 3; i++) {
      assertThat(gz.read(i).chw()).isEqualTo(plain.read(i).chw());
    }
    assertThat(gz.labels().orElseThrow()).isEqualTo(plain.labels().orElseThrow());
  }

  @Test
  void open_threeChannels_replicatesGray() throws IOException {
    Sample s = smallDataset(false, 3).read(2);
    assertThat(s.channels()).isEqualTo(3);
    for (int c = 0; c < 3; c++) {
      assertThat(s.at(c, 0, 1)).isEqualTo(170 / 255f);
    }
  }

  @Test
  void read_badMagic_isRejectedWithPath() throws IOException {
    byte[] bytes = idx(new int[] {1}, new byte[] {1});
    bytes[1] = 5;
    Path p = write(dir.resolve("bad"), bytes, false);
    assertThatThrownBy(() -> IdxFile.read(p)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("magic").hasMessageContaining(p.toString());
  }

  @Test
  void read_unsupportedType_isRejected() throws IOException {
    byte[] bytes = idx(new int[] {1}, new byte[] {1});
    bytes[2] = 0x0D;
    Path p = write(dir.resolve("float"), bytes, false);
    assertThatThrownBy(() -> IdxFile.read(p)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x0D");
  }

  @Test
  void read_truncatedData_namesExpectedAndActualLength() throws IOException {
    byte[] full = idx(new int[] {2, 3, 3}, new byte[18]);
    Path p = write(dir.resolve("short"), Arrays.copyOf(full, full.length - 5), false);
    assertThatThrownBy(() -> IdxFile.read(p)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 18 data bytes but has 13").hasMessageContaining("truncated");
  }

  @Test
  void open_labelCountMismatch_isRejected() throws IOException {
    Path images = write(dir.resolve("i"), idx(new int[] {2, 1, 1}, new byte[2]), false);
    Path labels = write(dir.resolve("l"), idx(new int[] {3}, new byte[3]), false);
    assertThatThrownBy(() -> IdxDataset.open(images, labels)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must have shape [2]");
  }

  @Test
  void read_missingFile_isRejected() {
    assertThatThrownBy(() -> IdxFile.read(dir.resolve("nope"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not found");
  }

  @Test
  void open_missingFashionMnistDir_saysHowToInstall() {
    assertThatThrownBy(() -> FashionMnist.open(dir, FashionMnist.Split.TRAIN, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("train-images-idx3-ubyte");
  }

  @Test
  void debian_installedFashionMnist_hasItsCountsLabelsAndPixelRange() throws IOException {
    assumeTrue(FashionMnist.debianInstalled(), "dataset-fashion-mnist is not installed");
    IdxDataset train = FashionMnist.debian(FashionMnist.Split.TRAIN);
    IdxDataset test = FashionMnist.debian(FashionMnist.Split.TEST);
    assertThat(train.size()).isEqualTo(60000);
    assertThat(test.size()).isEqualTo(10000);
    assertThat(train.height()).isEqualTo(28);
    assertThat(train.width()).isEqualTo(28);
    assertThat(train.classes()).hasSize(10).startsWith("T-shirt/top");
    int[] labels = train.labels().orElseThrow();
    int[] perClass = new int[10];
    for (int l : labels) {
      perClass[l]++;
    }
    assertThat(perClass).containsOnly(6000); // Fashion-MNIST is balanced: 6000 per class in train
    // the first training labels, as published with the dataset (9 = ankle boot, 0 = T-shirt/top, 3 = dress)
    assertThat(Arrays.copyOf(labels, 5)).containsExactly(9, 0, 0, 3, 0);
    Sample s = train.read(0);
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : s.chw()) {
      assertThat(v * 255f).isCloseTo(Math.round(v * 255f), org.assertj.core.data.Offset.offset(1e-3f));
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertThat(min).isEqualTo(0f);
    assertThat(max).isLessThanOrEqualTo(1f).isGreaterThan(0.5f);
  }
}

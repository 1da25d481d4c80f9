package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-band TIFF and .npy files read through the folder and file-list datasets, values exactly as written. */
class MultibandDecoderTest {
  @TempDir Path root;

  /** A distinct uint16 value per band, row and column, in the range of Sentinel-2 reflectance × 10000. */
  static int value(int b, int y, int x) {
    return 100 + b * 700 + y * 13 + x;
  }

  @Test
  void read_thirteenBandUint16Tiff_everyValueIsTheWrittenOneOver10000() throws IOException {
    MultibandFiles.tiff(root.resolve("forest/a.tif"), 13, 6, 5, 16, MultibandDecoderTest::value);
    MultibandFiles.tiff(root.resolve("river/b.tiff"), 13, 6, 5, 16, (b, y, x) -> 65535 - value(b, y, x));
    ImageFolderDataset ds = ImageFolderDataset.open(root, 13);
    assertThat(ds.classes()).containsExactly("forest", "river");
    Sample a = ds.read(0);
    assertThat(List.of(a.channels(), a.height(), a.width(), a.label())).containsExactly(13, 6, 5, 0);
    Sample b = ds.read(1);
    for (int c = 0; c < 13; c++) {
      for (int y = 0; y < 6; y++) {
        for (int x = 0; x < 5; x++) {
          assertThat(Math.round(a.at(c, y, x) * 10_000)).isEqualTo(value(c, y, x));
          assertThat(a.at(c, y, x)).isCloseTo(value(c, y, x) / 10_000f, within(1e-7f));
          assertThat(Math.round(b.at(c, y, x) * 10_000)).isEqualTo(65535 - value(c, y, x));
        }
      }
    }
    assertThat(b.label()).isEqualTo(1);
  }

  @Test
  void read_uint8Tiff_isOver255() throws IOException {
    MultibandFiles.tiff(root.resolve("a.tif"), 13, 3, 4, 8, (b, y, x) -> (b * 19 + y * 4 + x) % 256);
    Sample s = ImageFolderDataset.open(root, 13).read(0);
    for (int c = 0; c < 13; c++) {
      assertThat(s.at(c, 2, 3)).isCloseTo(((c * 19 + 11) % 256) / 255f, within(1e-7f));
    }
  }

  @Test
  void read_uint16ScaleProperty_changesTheDivisor() throws IOException {
    MultibandFiles.tiff(root.resolve("a.tif"), 13, 2, 2, 16, (b, y, x) -> 65535);
    String old = System.getProperty(MultibandDecoder.UINT16_SCALE_PROPERTY);
    System.setProperty(MultibandDecoder.UINT16_SCALE_PROPERTY, "65535");
    try {
      assertThat(ImageFolderDataset.open(root, 13).read(0).at(12, 1, 1)).isEqualTo(1f);
      System.setProperty(MultibandDecoder.UINT16_SCALE_PROPERTY, "zero");
      assertThatThrownBy(() -> ImageFolderDataset.open(root, 13).read(0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-Dmae4j.uint16Scale", "'zero'");
    } finally {
      if (old == null) {
        System.clearProperty(MultibandDecoder.UINT16_SCALE_PROPERTY);
      } else {
        System.setProperty(MultibandDecoder.UINT16_SCALE_PROPERTY, old);
      }
    }
  }

  @Test
  void read_npyChwUint16_hwcFloat32_hwcUint8_fortran_andGray_allGiveTheWrittenValues() throws IOException {
    int c = 13;
    int h = 4;
    int w = 3;
    // value at (b, y, x) for every layout
    MultibandFiles.npy(root.resolve("chw.npy"), "<u2", new int[] {c, h, w}, false, i -> value(i / (h * w),
        i / w % h, i % w));
    MultibandFiles.npy(root.resolve("hwc.npy"), "<f4", new int[] {h, w, c}, false, i -> value(i % c, i / (w * c),
        i / c % w));
    MultibandFiles.npy(root.resolve("hwc8.npy"), "|u1", new int[] {h, w, c}, false, i -> (i % c) * 10 + i / (w * c));
    MultibandFiles.npy(root.resolve("fortran.npy"), "<u2", new int[] {c, h, w}, true, i -> value(i / (h * w),
        i / w % h, i % w));
    ImageFolderDataset ds = ImageFolderDataset.open(root, c);
    assertThat(ds.files()).extracting(p -> p.getFileName().toString())
        .containsExactly("chw.npy", "fortran.npy", "hwc.npy", "hwc8.npy");
    Sample chw = ds.read(0);
    Sample fortran = ds.read(1);
    Sample hwc = ds.read(2);
    Sample hwc8 = ds.read(3);
    for (Sample s : List.of(chw, fortran, hwc, hwc8)) {
      assertThat(List.of(s.channels(), s.height(), s.width())).containsExactly(c, h, w);
    }
    for (int b = 0; b < c; b++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          assertThat(Math.round(chw.at(b, y, x) * 10_000)).isEqualTo(value(b, y, x));
          assertThat(fortran.at(b, y, x)).isEqualTo(chw.at(b, y, x));
          assertThat(hwc.at(b, y, x)).isEqualTo((float) value(b, y, x)); // float32: as stored
          assertThat(hwc8.at(b, y, x)).isCloseTo((b * 10 + y) / 255f, within(1e-7f));
        }
      }
    }
    Path gray = MultibandFiles.npy(root.resolve("g/gray.npy"), "<u2", new int[] {h, w}, false, i -> i * 1000);
    Sample g = MultibandDecoder.read(gray, 3, 7); // one band → 3 by replication, as gray PNGs
    assertThat(List.of(g.channels(), g.height(), g.width(), g.label())).containsExactly(3, h, w, 7);
    assertThat(g.at(2, 3, 2)).isCloseTo(11_000 / 10_000f, within(1e-6f));
  }

  @Test
  void read_npyWrittenByNumpy_givesNumpysValues() throws Exception {
    Path py = Path.of("/usr/bin/python3");
    assumeTrue(Files.isExecutable(py), "no /usr/bin/python3");
    Path file = root.resolve("a-chw.npy");
    Process p = new ProcessBuilder(py.toString(), "-c", "import numpy as np, sys; "
        + "a = (np.arange(13 * 8 * 6, dtype=np.uint32) * 37 % 10000).astype('<u2').reshape(13, 8, 6); "
        + "np.save(sys.argv[1], a); "
        + "np.save(sys.argv[2], np.ascontiguousarray(a.transpose(1, 2, 0)).astype('<f4') / 1024)",
        file.toString(), root.resolve("b-hwc.npy").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python3 lacks numpy: " + out);
    ImageFolderDataset ds = ImageFolderDataset.open(root, 13);
    Sample chw = ds.read(0);
    Sample hwc = ds.read(1);
    for (int b = 0; b < 13; b++) {
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 6; x++) {
          int v = ((b * 8 + y) * 6 + x) * 37 % 10000;
          assertThat(Math.round(chw.at(b, y, x) * 10_000)).isEqualTo(v);
          assertThat(hwc.at(b, y, x)).isEqualTo(v / 1024f); // exact in float32: as stored
        }
      }
    }
  }

  @Test
  void read_channelMismatch_namesTheFileTheChannelsFoundAndExpected() throws IOException {
    Path tif = MultibandFiles.tiff(root.resolve("a.tif"), 13, 2, 2, 16, (b, y, x) -> 1);
    assertThatThrownBy(() -> ImageFolderDataset.open(root, 12).read(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(tif.toString()).hasMessageContaining("has 13 channel(s)")
        .hasMessageContaining("the model expects 12");
    Path png = ImageFolderDatasetTest.png(root.resolve("rgb/b.png"), 2, 2, 0x102030);
    Files.delete(tif);
    assertThatThrownBy(() -> ImageFolderDataset.open(root, 13).read(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(png.toString()).hasMessageContaining("JPEG/PNG")
        .hasMessageContaining("expects 13 channels");
  }

  @Test
  void read_unreadableNpy_isAnIOExceptionNamingTheFileAndWhatItFound() throws IOException {
    Path big = MultibandFiles.npy(root.resolve("big.npy"), ">u2", new int[] {13, 2, 2}, false, i -> i);
    assertThatThrownBy(() -> MultibandDecoder.read(big, 13, -1)).isInstanceOf(IOException.class)
        .hasMessageContaining(big.toString()).hasMessageContaining("big-endian");
    Path i4 = root.resolve("i4.npy");
    Files.write(i4, Files.readAllBytes(big));
    byte[] bytes = Files.readAllBytes(big);
    String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("'>u2'", "'<i4'");
    Files.write(i4, text.getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> MultibandDecoder.read(i4, 13, -1)).isInstanceOf(IOException.class)
        .hasMessageContaining("'<i4'").hasMessageContaining("uint8, int16, uint16, float32, float64");
    Path ok = MultibandFiles.npy(root.resolve("cut.npy"), "<u2", new int[] {13, 4, 4}, false, i -> i);
    byte[] whole = Files.readAllBytes(ok);
    Files.write(ok, java.util.Arrays.copyOf(whole, whole.length - 10));
    assertThatThrownBy(() -> MultibandDecoder.read(ok, 13, -1)).isInstanceOf(IOException.class)
        .hasMessageContaining("truncated .npy file " + ok).hasMessageContaining("[13, 4, 4]");
    Path junk = Files.writeString(root.resolve("junk.tif"), "not a tiff at all");
    assertThatThrownBy(() -> MultibandDecoder.read(junk, 13, -1)).isInstanceOf(IOException.class)
        .hasMessageContaining(junk.toString());
  }

  @Test
  void measure_thirteenBandFolder_givesEachBandsOwnMeanAndStd() throws IOException {
    // band b holds b·1000 at even columns and b·1000 + 200 at odd ones: mean b/10 + 0.01, std 0.01
    for (int i = 0; i < 3; i++) {
      MultibandFiles.tiff(root.resolve(i + ".tif"), 13, 4, 4, 16, (b, y, x) -> b * 1000 + (x % 2) * 200);
    }
    ChannelStatistics s = ChannelStatistics.measure(ImageFolderDataset.open(root, 13), 0, 0, m -> { },
        (d, t) -> 0);
    assertThat(s.mean()).hasSize(13);
    for (int b = 0; b < 13; b++) {
      assertThat(s.mean()[b]).isCloseTo(b / 10.0 + 0.01, within(1e-6));
      assertThat(s.std()[b]).isCloseTo(0.01, within(1e-6));
    }
    assertThat(s.toNormalization().getChannels()).isEqualTo(13);
  }

  @Test
  void fileList_ofNpyFiles_readsThirteenBandsWithTheirLabels() throws IOException {
    MultibandFiles.npy(root.resolve("x/1.npy"), "<u2", new int[] {13, 2, 3}, false, i -> i);
    MultibandFiles.npy(root.resolve("x/2.npy"), "<u2", new int[] {2, 3, 13}, false, i -> 2 * i);
    Path list = Files.writeString(root.resolve("list.csv"), "path,label\nx/1.npy,sea\nx/2.npy,crop\n");
    FileListDataset ds = FileListDataset.open(list, 13, m -> { });
    assertThat(ds.classes()).containsExactly("crop", "sea");
    Sample a = ds.read(0);
    Sample b = ds.read(1);
    assertThat(a.label()).isEqualTo(1);
    assertThat(List.of(b.channels(), b.height(), b.width(), b.label())).containsExactly(13, 2, 3, 0);
    assertThat(Math.round(a.at(12, 1, 2) * 10_000)).isEqualTo(12 * 6 + 5);
    assertThat(Math.round(b.at(12, 1, 2) * 10_000)).isEqualTo(2 * ((1 * 3 + 2) * 13 + 12));
  }

  @Test
  void read_gdalLayoutGeoTiffs_chunkyPlanarDeflateFloat_giveTheWrittenValues() throws Exception {
    // written by tools/geotiff_fixture.py as GDAL lays out Sentinel-2 tiles: ExtraSamples, GeoTIFF tags, Deflate
    Path dir = Path.of(java.util.Objects.requireNonNull(getClass().getResource("geotiff/chunky_uint16.tif")).toURI())
        .getParent();
    ImageFolderDataset ds = ImageFolderDataset.open(dir, 13);
    assertThat(ds.files()).extracting(p -> p.getFileName().toString())
        .containsExactly("chunky_float32_deflate.tif", "chunky_uint16.tif", "planar_uint16_deflate.tif");
    for (int i = 0; i < 3; i++) {
      Sample s = ds.read(i);
      assertThat(List.of(s.channels(), s.height(), s.width())).as(ds.describe(i)).containsExactly(13, 8, 6);
      for (int b = 0; b < 13; b++) {
        for (int y = 0; y < 8; y++) {
          for (int x = 0; x < 6; x++) {
            int v = 1000 + 500 * b + 8 * y + x;
            if (i == 0) {
              assertThat(s.at(b, y, x)).as(ds.describe(i)).isEqualTo(v / 10000f); // float32: as stored
            } else {
              assertThat(Math.round(s.at(b, y, x) * 10_000)).as(ds.describe(i)).isEqualTo(v);
            }
          }
        }
      }
    }
  }

  @Test
  void shards_ofAThirteenBandFolder_readTheSameSamplesAsTheFolder() throws IOException {
    Path folder = root.resolve("folder");
    MultibandFiles.tiff(folder.resolve("sea/a.tif"), 13, 4, 3, 16, MultibandDecoderTest::value);
    MultibandFiles.npy(folder.resolve("crop/b.npy"), "<u2", new int[] {13, 4, 3}, false, i -> 3 * i);
    MultibandFiles.npy(folder.resolve("crop/c.npy"), "<f4", new int[] {4, 3, 13}, false, i -> i);
    ImageFolderDataset ds = ImageFolderDataset.open(folder, 13);
    ShardWriter w = ShardWriter.fromFolder(ds, root.resolve("shards"), 2, 7, (d, t) -> 0);
    TarShards shards = TarShards.open(w.shards(), 13, m -> { });
    assertThat(shards.size()).isEqualTo(3);
    assertThat(shards.classes()).isEqualTo(ds.classes());
    int[] labels = shards.labels().orElseThrow();
    for (int i = 0; i < 3; i++) {
      Sample s = shards.read(i);
      assertThat(s.channels()).isEqualTo(13);
      // the same sample as one of the folder's: same label, same values
      boolean found = false;
      for (int j = 0; j < 3; j++) {
        Sample f = ds.read(j);
        if (java.util.Arrays.equals(f.chw(), s.chw())) {
          assertThat(f.label()).isEqualTo(labels[i]);
          found = true;
        }
      }
      assertThat(found).as(shards.describe(i)).isTrue();
    }
    assertThatThrownBy(() -> TarShards.open(w.shards(), 3, m -> { }).read(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 13 channel(s)")
        .hasMessageContaining("the model expects 3");
  }
}

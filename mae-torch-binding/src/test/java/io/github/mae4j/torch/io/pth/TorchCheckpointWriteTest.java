package io.github.mae4j.torch.io.pth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchCheckpointWriteTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dtypes.pth", "views.pth", "training.pth", "mae_classifier.pth"})
  void write_thenRead_everyLeafAndElementSurvives(String fixture) throws Exception {
    Map<?, ?> tree = (Map<?, ?>) TorchCheckpoint.read(Fixtures.file(fixture));
    Path out = tmp.resolve("copy.pth");
    TorchCheckpoint.write(out, tree);
    TorchCheckpoint.closeTensors(tree);
    Object back = TorchCheckpoint.read(out);
    Fixtures.assertTreeMatches(back, Fixtures.expected(fixture), Set.of());
    TorchCheckpoint.closeTensors(back);
  }

  @Test
  void write_views_storesEachAsItsOwnContiguousStorage() throws Exception {
    Map<?, ?> tree = (Map<?, ?>) TorchCheckpoint.read(Fixtures.file("views.pth"));
    Path out = tmp.resolve("views.pth");
    TorchCheckpoint.write(out, tree);
    Map<?, ?> back = (Map<?, ?>) TorchCheckpoint.read(out);
    Tensor strided = (Tensor) back.get("strided");
    assertThat(strided.is_contiguous()).isTrue();
    assertThat(strided.storage_offset()).isZero();
    assertThat(Fixtures.doubles(strided)).containsExactly(Fixtures.doubles((Tensor) tree.get("strided")));
    TorchCheckpoint.closeTensors(tree);
    TorchCheckpoint.closeTensors(back);
  }

  @Test
  void write_layout_isTorchSaveZipWithAlignedStoredEntriesAndValidCrcs() throws Exception {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("a", torch.arange(new org.bytedeco.pytorch.Scalar(5.0)));
    tree.put("b", torch.ones(3, 3));
    Path out = tmp.resolve("layout.pth");
    TorchCheckpoint.write(out, tree);
    try (ZipArchive zip = ZipArchive.open(out)) {
      assertThat(zip.entries().keySet()).containsExactly(
          "archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/data/1", "archive/version");
      assertThat(zip.entries().values()).allSatisfy(e -> {
        assertThat(e.method()).isZero();
        assertThat(e.dataOffset() % 64).isZero();
      });
      assertThat(new String(zip.readAll(zip.entries().get("archive/version")), StandardCharsets.US_ASCII))
          .isEqualTo("3\n");
      assertThat(zip.entries().get("archive/data/1").size()).isEqualTo(9 * 4);
    }
    // the JDK's own reader verifies every CRC of stored entries
    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(out))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        in.readAllBytes();
        names.add(e.getName());
      }
    }
    assertThat(names).hasSize(5);
  }

  @Test
  void zipWriter_moreThan65535Entries_usesZip64EndRecordsThatBothReadersAccept() throws Exception {
    Path out = tmp.resolve("many.zip");
    int n = 70_000;
    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ZipArchiveWriter w = new ZipArchiveWriter(ch);
      for (int i = 0; i < n; i++) {
        w.add("e/" + i, new byte[] {(byte) i});
      }
      w.finish();
    }
    try (ZipArchive zip = ZipArchive.open(out)) {
      assertThat(zip.entries()).hasSize(n);
      assertThat(zip.readAll(zip.entries().get("e/69999"))).containsExactly((byte) 69999);
    }
    try (java.util.zip.ZipFile jdk = new java.util.zip.ZipFile(out.toFile())) {
      assertThat(jdk.size()).isEqualTo(n);
      try (InputStream in = jdk.getInputStream(jdk.getEntry("e/65537"))) {
        assertThat(in.readAllBytes()).containsExactly((byte) 65537);
      }
    }
  }

  @Test
  void write_existingFile_isReplacedAndNoTemporaryFileRemains() throws Exception {
    Path out = tmp.resolve("ckpt.pth");
    Files.writeString(out, "old");
    TorchCheckpoint.write(out, Map.of("epoch", 7L));
    assertThat(TorchCheckpoint.read(out)).isEqualTo(Map.of("epoch", 7L));
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ckpt.pth");
    }
  }

  @Test
  void write_unsupportedValue_isNamedAndNothingIsWritten() {
    Path out = tmp.resolve("bad.pth");
    assertThatThrownBy(() -> TorchCheckpoint.write(out, Map.of("x", new StringBuilder("no"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot write a java.lang.StringBuilder into a checkpoint");
    assertThatThrownBy(() -> TorchCheckpoint.write(out, Map.of("x", torch.ones(2).to(torch.ScalarType.ComplexFloat))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dtype ComplexFloat cannot be written");
    assertThat(out).doesNotExist();
  }

  @Test
  void write_scalarsAndNesting_roundTripWithPythonTypes() throws Exception {
    Map<Object, Object> state = new LinkedHashMap<>();
    state.put(0L, Map.of("step", torch.ones(new long[0])));
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("ints", List.of(0, 255, 256, 65535, 65536, -1, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE,
        new java.math.BigInteger("-1180591620717411303424")));
    tree.put("floats", List.of(1.5e-4, -0.0, Double.MAX_VALUE, 0.1f));
    tree.put("text", "µ-ViT ✓");
    tree.put("flags", java.util.Arrays.asList(true, false, null));
    tree.put("state", state);
    Path out = tmp.resolve("scalars.pth");
    TorchCheckpoint.write(out, tree);
    Map<?, ?> back = (Map<?, ?>) TorchCheckpoint.read(out);
    assertThat(back.get("ints")).isEqualTo(List.of(0L, 255L, 256L, 65535L, 65536L, -1L, (long) Integer.MIN_VALUE,
        Long.MAX_VALUE, Long.MIN_VALUE, new java.math.BigInteger("-1180591620717411303424")));
    assertThat(back.get("floats")).isEqualTo(List.of(1.5e-4, -0.0, Double.MAX_VALUE, (double) 0.1f));
    assertThat(back.get("text")).isEqualTo("µ-ViT ✓");
    assertThat(back.get("flags")).isEqualTo(java.util.Arrays.asList(true, false, null));
    Tensor step = (Tensor) ((Map<?, ?>) ((Map<?, ?>) back.get("state")).get(0L)).get("step");
    assertThat(step.dim()).isZero();
    assertThat(step.item_float()).isEqualTo(1f);
    TorchCheckpoint.closeTensors(back);
  }
}

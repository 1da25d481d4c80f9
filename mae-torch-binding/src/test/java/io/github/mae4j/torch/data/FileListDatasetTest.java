package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileListDatasetTest {
  @TempDir Path dir;

  private Path list(String... lines) throws IOException {
    return Files.write(dir.resolve("list.csv"), List.of(lines));
  }

  @Test
  void open_namedLabels_relativePathsAndCommas_giveSortedClasses() throws IOException {
    ImageFolderDatasetTest.png(dir.resolve("imgs/a,1.png"), 3, 2, 0xFF0000);
    ImageFolderDatasetTest.png(dir.resolve("imgs/b.png"), 3, 2, 0x00FF00);
    Path list = list("path,label", "# a comment", "imgs/a,1.png,zebra", "", "imgs/b.png, cat");
    FileListDataset ds = FileListDataset.open(list, 3, s -> { });
    assertThat(ds.size()).isEqualTo(2);
    assertThat(ds.classes()).containsExactly("cat", "zebra");
    assertThat(ds.labels().orElseThrow()).containsExactly(1, 0);
    Sample s = ds.read(0);
    assertThat(s.label()).isEqualTo(1);
    assertThat(s.at(0, 0, 0)).isEqualTo(1f);
    assertThat(ImageSources.open(list.toString(), 3, x -> { })).isInstanceOf(FileListDataset.class);
  }

  @Test
  void open_numberLabelsAndMissingFile_countsTheSkipWithOneLine() throws IOException {
    ImageFolderDatasetTest.png(dir.resolve("a.png"), 2, 2, 0);
    Path list = list("a.png,2", "gone.png,0");
    List<String> log = new ArrayList<>();
    FileListDataset ds = FileListDataset.open(list, 3, log::add);
    assertThat(ds.size()).isEqualTo(1);
    assertThat(ds.missingFiles()).isEqualTo(1);
    assertThat(ds.classes()).containsExactly("0", "1", "2");
    assertThat(ds.labels().orElseThrow()).containsExactly(2);
    assertThat(log).containsExactly("skipped missing file: " + list + " line 2 names " + dir.resolve("gone.png")
        + ", which does not exist");
  }

  @Test
  void open_badLists_areClearErrors() throws IOException {
    ImageFolderDatasetTest.png(dir.resolve("a.png"), 2, 2, 0);
    ImageFolderDatasetTest.png(dir.resolve("b.png"), 2, 2, 0);
    assertThatThrownBy(() -> FileListDataset.open(list("gone.png,1"), 3, s -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no existing image (1 missing)");
    assertThatThrownBy(() -> FileListDataset.open(list("a.png,1", "b.png,dog"), 3, s -> { }))
        .hasMessageContaining("line 2 has label 'dog' but line 1 has '1'");
    assertThatThrownBy(() -> FileListDataset.open(list("a.png,1", "b.png"), 3, s -> { }))
        .hasMessageContaining("labels some images but not line 2");
    assertThatThrownBy(() -> FileListDataset.open(list("a.png,-3"), 3, s -> { }))
        .hasMessageContaining("label -3: class numbers are >= 0");
    FileListDataset unlabelled = FileListDataset.open(list("a.png", "b.png,"), 3, s -> { });
    assertThat(unlabelled.labels().orElseThrow()).containsExactly(-1, -1);
    assertThat(unlabelled.classes()).isEmpty();
  }
}

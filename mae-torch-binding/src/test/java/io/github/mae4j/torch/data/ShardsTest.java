package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebDataset tar shards: names, writing, the indexed and the sequential reader, and every bad shard. */
class ShardsTest {
  @TempDir Path dir;

  @Test
  void expand_braceRanges_keepTheWidthAndMultiply() {
    assertThat(ShardPattern.expand("d/shard-{000000..000002}.tar")).containsExactly(Path.of("d/shard-000000.tar"),
        Path.of("d/shard-000001.tar"), Path.of("d/shard-000002.tar"));
    assertThat(ShardPattern.expand("a{1..2}-{8..10}.tar")).extracting(Path::toString)
        .containsExactly("a1-8.tar", "a1-9.tar", "a1-10.tar", "a2-8.tar", "a2-9.tar", "a2-10.tar");
    assertThat(ShardPattern.expand("one.tar")).containsExactly(Path.of("one.tar"));
    assertThatThrownBy(() -> ShardPattern.expand("s-{3..1}.tar")).hasMessageContaining("ends before it starts");
    assertThatThrownBy(() -> ShardPattern.expand("s-{a,b}.tar")).hasMessageContaining("not a range");
  }

  /** 2 classes × 5 images; each image's red level is 20·i + 100·label, so a pixel tells its label. */
  private ImageFolderDataset folder() throws IOException {
    for (int label = 0; label < 2; label++) {
      for (int i = 0; i < 5; i++) {
        Path f = dir.resolve("in/" + (label == 0 ? "cat" : "dog") + "/" + i + ".png");
        Files.createDirectories(f.getParent());
        ImageFolderDatasetTest.png(f, 6, 4, (20 * i + 100 * label) << 16);
      }
    }
    return ImageFolderDataset.open(dir.resolve("in"), 3);
  }

  @Test
  void writeThenOpen_folderOfTwoClasses_keepsEveryImageWithItsLabel() throws IOException {
    List<long[]> progress = new ArrayList<>();
    ShardWriter w = ShardWriter.fromFolder(folder(), dir.resolve("out"), 4, 7, (done, total) -> {
      progress.add(new long[] {done, total});
      return 0;
    });
    assertThat(w.shards()).hasSize(3);
    assertThat(w.pattern()).isEqualTo(dir.resolve("out/shard-{000000..000002}.tar").toString());
    assertThat(progress).hasSize(10);
    assertThat(progress.get(9)).containsExactly(10, 10);
    assertThat(Files.readAllLines(dir.resolve("out/classes.txt"))).containsExactly("cat", "dog");

    List<String> log = new ArrayList<>();
    TarShards ds = TarShards.open(w.pattern(), 3, log::add);
    assertThat(log).isEmpty();
    assertThat(ds.size()).isEqualTo(10);
    assertThat(ds.classes()).containsExactly("cat", "dog");
    int[] labels = ds.labels().orElseThrow();
    Set<Integer> reds = new HashSet<>();
    for (int i = 0; i < ds.size(); i++) {
      Sample s = ds.read(i);
      assertThat(s.label()).isEqualTo(labels[i]);
      int red = Math.round(s.at(0, 0, 0) * 255);
      assertThat(red / 100).as(ds.describe(i)).isEqualTo(s.label());
      reds.add(red);
    }
    assertThat(reds).hasSize(10);
    // the writer shuffled: the first shard is not one class only
    assertThat(Arrays.stream(labels, 0, 4).distinct().count()).isEqualTo(2);
  }

  private List<Path> shards() throws IOException {
    return ShardWriter.fromFolder(folder(), dir.resolve("out"), 4, 7, (a, b) -> 0).shards();
  }

  @Test
  void stream_everyRankAndWorker_togetherReadEverySampleOnce() throws IOException {
    List<Path> shards = shards(); // 3 shards of 4, 4, 2
    ShardStream stream = new ShardStream(shards, 11, 3, s -> { });
    for (int[] split : new int[][] {{1, 1}, {3, 1}, {1, 3}, {2, 2}, {4, 1}, {2, 3}}) {
      int world = split[0];
      int workers = split[1];
      List<String> keys = new ArrayList<>();
      for (int rank = 0; rank < world; rank++) {
        for (int worker = 0; worker < workers; worker++) {
          stream.items(0, rank, world, worker, workers).forEachRemaining(it -> keys.add(it.key()));
        }
      }
      assertThat(keys).as("world %d, workers %d", world, workers).hasSize(10).doesNotHaveDuplicates();
    }
    List<String> a = keys(stream.items(0, 0, 1, 0, 1));
    assertThat(keys(new ShardStream(shards, 11, 3, s -> { }).items(0, 0, 1, 0, 1))).isEqualTo(a);
    assertThat(keys(stream.items(1, 0, 1, 0, 1))).isNotEqualTo(a).containsExactlyInAnyOrderElementsOf(a);
    ShardStream.Item first = stream.items(0, 0, 1, 0, 1).next();
    assertThat(first.extension()).isEqualTo("png");
    assertThat(first.label()).isBetween(0, 1);
  }

  private static List<String> keys(Iterator<ShardStream.Item> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(i -> out.add(i.key()));
    return out;
  }

  @Test
  void truncatedShard_losesOnlyTheCutMember_inBothReaders_withoutHanging() throws IOException {
    List<Path> shards = shards();
    Path last = shards.get(0);
    byte[] full = Files.readAllBytes(last);
    long cut;
    try (var tar = new org.apache.commons.compress.archivers.tar.TarFile(last)) {
      var pngs = tar.getEntries().stream().filter(e -> e.getName().endsWith(".png")).toList();
      cut = pngs.get(pngs.size() - 1).getDataOffset() + 10; // inside the 4th sample's image
    }
    Files.write(last, Arrays.copyOf(full, (int) cut));
    List<String> log = new ArrayList<>();
    TarShards ds = TarShards.open(shards, 3, log::add);
    assertThat(ds.size()).isEqualTo(9);
    assertThat(ds.skippedWhenOpened()).isGreaterThanOrEqualTo(1);
    assertThat(log).anyMatch(l -> l.startsWith("skipped truncated member: " + last));
    List<String> streamLog = new ArrayList<>();
    Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      List<String> keys = keys(new ShardStream(shards, 1, 1, streamLog::add).items(0, 0, 1, 0, 1));
      assertThat(keys).hasSize(9).doesNotHaveDuplicates();
    });
    assertThat(streamLog).anyMatch(l -> l.contains("truncated member") || l.contains("cut short"));
  }

  private Path tar(String name, String... members) throws IOException {
    Path p = dir.resolve("bad/" + name);
    Files.createDirectories(p.getParent());
    try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(p))) {
      for (int i = 0; i < members.length; i += 2) {
        byte[] data = members[i + 1].equals("PNG") ? png() : members[i + 1].getBytes(StandardCharsets.US_ASCII);
        var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(members[i]);
        e.setSize(data.length);
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
      }
    }
    return p;
  }

  private byte[] png() throws IOException {
    Path f = dir.resolve("tmp.png");
    ImageFolderDatasetTest.png(f, 3, 3, 0x405060);
    return Files.readAllBytes(f);
  }

  @Test
  void memberWithoutLabel_andLabelWithoutImage_areCountedSkips() throws IOException {
    Path s = tar("s.tar", "a.png", "PNG", "a.cls", "1", "b.png", "PNG", "c.cls", "0", "d.png", "PNG", "d.cls", "0");
    List<String> log = new ArrayList<>();
    TarShards ds = TarShards.open(List.of(s), 3, log::add);
    assertThat(ds.size()).isEqualTo(2);
    assertThat(ds.labels().orElseThrow()).containsExactly(1, 0);
    assertThat(ds.skippedWhenOpened()).isEqualTo(2);
    assertThat(log).containsExactly("skipped image without label: " + s + " member b.png has no b.cls",
        "skipped label without image: " + s + " key c");
    assertThat(ds.classes()).containsExactly("0", "1");
    List<String> streamLog = new ArrayList<>();
    List<ShardStream.Item> items = new ArrayList<>();
    new ShardStream(List.of(s), 0, 1, streamLog::add).items(0, 0, 1, 0, 1).forEachRemaining(items::add);
    assertThat(items).extracting(ShardStream.Item::key).containsExactly("a", "b", "d");
    assertThat(items).extracting(ShardStream.Item::label).containsExactly(1, -1, 0); // -1: no label, not a shift
    assertThat(streamLog).containsExactly("skipped sample without image: " + s + " key c");
  }

  @Test
  void labelOutOfRangeOrNotANumber_isAClearError() throws IOException {
    Path s = tar("s.tar", "a.png", "PNG", "a.cls", "1", "b.png", "PNG", "b.cls", "5");
    Files.write(dir.resolve("bad/classes.txt"), List.of("cat", "dog"));
    assertThatThrownBy(() -> TarShards.open(List.of(s), 3, x -> { })).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label 5 of b in shard " + s + " is out of range: classes.txt lists 2 classes (0..1)");
    Path t = tar("t.tar", "a.png", "PNG", "a.cls", "dog");
    assertThatThrownBy(() -> TarShards.open(List.of(t), 3, x -> { })).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label of a in shard " + t + " is 'dog', not a class number");
    assertThatThrownBy(() -> new ShardStream(List.of(t), 0, 1, x -> { }).items(0, 0, 1, 0, 1).hasNext())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'dog'");
  }

  @Test
  void emptyShard_isSkippedWithALine_andNoSampleAtAllIsAnError() throws IOException {
    Path empty = tar("e.tar");
    Path good = tar("g.tar", "a.png", "PNG", "a.cls", "0");
    List<String> log = new ArrayList<>();
    assertThat(TarShards.open(List.of(empty, good), 3, log::add).size()).isEqualTo(1);
    assertThat(log).containsExactly("skipped empty shard: " + empty + " holds no image");
    assertThat(keys(new ShardStream(List.of(empty, good), 0, 1, x -> { }).items(0, 0, 1, 0, 1)))
        .containsExactly("a");
    assertThatThrownBy(() -> TarShards.open(List.of(empty), 3, x -> { })).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no samples");
    assertThatThrownBy(() -> TarShards.open(List.of(dir.resolve("missing.tar")), 3, x -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.tar does not exist");
  }

  @Test
  void loader_overShards_givesFullBatchesWithLabels() throws IOException {
    List<Path> shards = shards();
    try (DataLoader loader = DataLoader.builder(TarShards.open(shards, 3, x -> { })).batchSize(5).workers(2)
        .transform(PretrainTransform.randomResizedCrop(4)).dropLast(true).build();
        EpochIterator it = loader.epoch(0)) {
      int batches = 0;
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          assertThat(b.shape()).containsExactly(5, 3, 4, 4);
          assertThat(Arrays.stream(b.labels()).allMatch(l -> l == 0 || l == 1)).isTrue();
          batches++;
        }
      }
      assertThat(batches).isEqualTo(2);
    }
  }
}

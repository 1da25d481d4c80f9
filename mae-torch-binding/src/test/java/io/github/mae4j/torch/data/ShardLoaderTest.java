package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tar shards read sequentially into batches: split over ranks and workers without duplicates, labels kept. */
class ShardLoaderTest {
  @TempDir Path dir;

  /** 64 images of 2 classes in 4 shards of 16. */
  private TarShards shards() throws IOException {
    for (int i = 0; i < 64; i++) {
      int label = i % 2;
      Path f = dir.resolve("in/" + (label == 0 ? "a" : "b") + "/" + i + ".png");
      Files.createDirectories(f.getParent());
      ImageFolderDatasetTest.png(f, 12, 10, (3 * i) << 16 | (label * 200) << 8);
    }
    ShardWriter w = ShardWriter.fromFolder(ImageFolderDataset.open(dir.resolve("in"), 3), dir.resolve("shards"), 16,
        3, (a, b) -> 0);
    return TarShards.open(w.pattern(), 3, s -> { });
  }

  private static ShardLoader loader(TarShards shards, int rank, int world, int workers, List<String> skips) {
    return new ShardLoader(shards, PretrainTransform.randomResizedCrop(8).hflip(), 8, workers, rank, world, 5,
        shards.size() / (8 * world), 4, skips::add);
  }

  /** Every batch of {@code epoch} on every rank: dataset indices in order, checking labels and shapes. */
  private static List<Integer> epoch(TarShards shards, int world, int workers, int epoch) {
    List<Integer> all = new ArrayList<>();
    int[] labels = shards.labels().orElseThrow();
    for (int rank = 0; rank < world; rank++) {
      try (ShardLoader l = loader(shards, rank, world, workers, new ArrayList<>());
          ShardLoader.Epoch it = l.epoch(epoch)) {
        int batches = 0;
        while (it.hasNext()) {
          try (Batch b = it.next()) {
            assertThat(b.shape()).containsExactly(8, 3, 8, 8);
            for (int n = 0; n < 8; n++) {
              int i = b.indices()[n];
              assertThat(b.labels()[n]).as("label of sample %d", i).isEqualTo(labels[i]);
              all.add(i);
              // the pixels are sample i's, through the transform with (seed, epoch, i)'s generator
              Sample want = PretrainTransform.randomResizedCrop(8).hflip().apply(read(shards, i),
                  Seeds.sampleRandom(5, epoch, i, 0));
              for (int k = 0; k < want.chw().length; k++) {
                assertThat(b.value(n, k / 64, k / 8 % 8, k % 8)).as("sample %d value %d", i, k)
                    .isEqualTo(want.chw()[k]);
              }
            }
            batches++;
          }
        }
        assertThat(batches).isEqualTo(64 / (8 * world));
      }
    }
    return all;
  }

  private static Sample read(TarShards shards, int i) {
    try {
      return shards.read(i);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void epoch_twoRanks_everySampleOnceAcrossRanksAndWorkers() throws IOException {
    TarShards shards = shards();
    for (int workers : new int[] {1, 2}) {
      List<Integer> seen = epoch(shards, 2, workers, 0);
      assertThat(seen).as("%d worker(s)", workers).hasSize(64).doesNotHaveDuplicates();
      assertThat(new HashSet<>(seen)).hasSize(64).allSatisfy(i -> assertThat(i).isBetween(0, 63));
    }
  }

  @Test
  void epoch_sameSeedAndEpoch_sameBatches_otherEpoch_otherOrder() throws IOException {
    TarShards shards = shards();
    List<Integer> a = epoch(shards, 1, 2, 0);
    assertThat(epoch(shards, 1, 2, 0)).isEqualTo(a);
    List<Integer> b = epoch(shards, 1, 2, 1);
    assertThat(b).isNotEqualTo(a).containsExactlyInAnyOrderElementsOf(a);
  }

  @Test
  void epoch_multibandMembers_areReadByTheirFileType() throws IOException {
    // 16 four-band .npy images (C×H×W uint16): pretraining reads such shards sequentially through ShardLoader
    for (int i = 0; i < 16; i++) {
      int k = i;
      Path f = dir.resolve("ms/" + (i % 2 == 0 ? "a" : "b") + "/" + i + ".npy");
      Files.createDirectories(f.getParent());
      MultibandFiles.npy(f, "<u2", new int[] {4, 10, 12}, false, v -> 100 * k + v % 97);
    }
    ShardWriter w = ShardWriter.fromFolder(ImageFolderDataset.open(dir.resolve("ms"), 4), dir.resolve("mss"), 8, 0,
        (a, b) -> 0);
    TarShards shards = TarShards.open(w.pattern(), 4, s -> { });
    List<String> skips = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    try (ShardLoader l = new ShardLoader(shards, PretrainTransform.randomResizedCrop(8), 4, 1, 0, 1, 1,
        shards.size() / 4, 4, skips::add); ShardLoader.Epoch it = l.epoch(0)) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          assertThat(b.shape()).containsExactly(4, 4, 8, 8);
          for (int n = 0; n < 4; n++) {
            int i = b.indices()[n];
            seen.add(i);
            Sample want = PretrainTransform.randomResizedCrop(8).apply(read(shards, i), Seeds.sampleRandom(1, 0, i, 0));
            for (int k = 0; k < want.chw().length; k++) {
              assertThat(b.value(n, k / 64, k / 8 % 8, k % 8)).as("sample %d value %d", i, k)
                  .isEqualTo(want.chw()[k]);
            }
          }
        }
      }
    }
    assertThat(skips).isEmpty();
    assertThat(seen).hasSize(16);
  }

  @Test
  void epoch_shardsWithUnreadableImages_skipsEachOnceAndKeepsBatchesFull() throws IOException {
    BadImages.write(dir.resolve("bad/x"), 13); // 20 files, 3 unreadable
    ShardWriter w = ShardWriter.fromFolder(ImageFolderDataset.open(dir.resolve("bad"), 3), dir.resolve("bs"), 5, 0,
        (a, b) -> 0);
    TarShards shards = TarShards.open(w.pattern(), 3, s -> { });
    List<String> lines = new CopyOnWriteArrayList<>();
    try (ShardLoader l = new ShardLoader(shards, PretrainTransform.randomResizedCrop(8), 4, 2, 0, 1, 1,
        shards.size() / 4, 8, lines::add)) {
      Set<Integer> seen = new HashSet<>();
      for (int e = 0; e < 3; e++) {
        try (ShardLoader.Epoch it = l.epoch(e)) {
          while (it.hasNext()) {
            try (Batch b = it.next()) {
              assertThat(b.shape()).containsExactly(4, 3, 8, 8);
              for (int i : b.indices()) {
                seen.add(i);
              }
            }
          }
        }
      }
      assertThat(l.skippedCount()).isEqualTo(3);
      assertThat(l.skippedIn(0)).isGreaterThanOrEqualTo(1);
      assertThat(seen).hasSize(17); // every readable sample, none of the unreadable
    }
    assertThat(lines).hasSize(3).allSatisfy(s -> assertThat(s).startsWith("skipped unreadable image"));
  }

  @Test
  void close_midEpoch_stopsTheWorkers() throws Exception {
    TarShards shards = shards();
    ShardLoader l = loader(shards, 0, 1, 2, new ArrayList<>());
    ShardLoader.Epoch it = l.epoch(0);
    it.next().close();
    l.close();
    l.close();
    Thread.sleep(50);
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("mae4j-shards-") && t.isAlive());
  }
}

package io.github.mae4j.torch.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.OffHeapTensors;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
  /** 1×2×3 images whose pixel k of image i is i + k/10; label i % 5; indices in `bad` throw IOException. */
  static class Numbered implements ImageDataset {
    final int size;
    final Set<Integer> bad;

    Numbered(int size, Set<Integer> bad) {
      this.size = size;
      this.bad = bad;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public int channels() {
      return 1;
    }

    @Override
    public List<String> classes() {
      return List.of("0", "1", "2", "3", "4");
    }

    @Override
    public Optional<int[]> labels() {
      return Optional.empty();
    }

    @Override
    public Sample read(int index) throws IOException {
      if (bad.contains(index)) {
        throw new IOException("broken #" + index);
      }
      float[] v = new float[6];
      for (int k = 0; k < 6; k++) {
        v[k] = index + k / 10f;
      }
      return new Sample(v, 1, 2, 3, index % 5);
    }
  }

  private static List<float[]> drain(DataLoader loader, int epoch, List<int[]> indices) {
    List<float[]> out = new ArrayList<>();
    try (EpochIterator it = loader.epoch(epoch)) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          float[] v = new float[(int) (b.imageData().byteSize() / 4)];
          for (int i = 0; i < v.length; i++) {
            v[i] = b.imageData().getAtIndex(ValueLayout.JAVA_FLOAT, i);
          }
          out.add(v);
          indices.add(b.indices());
        }
      }
    }
    return out;
  }

  @Test
  void images_tensorSharesTheAssembledValues_withoutCopy() {
    Torch.load();
    int live = OffHeapTensors.liveCount();
    try (DataLoader loader = DataLoader.builder(new Numbered(10, Set.of())).batchSize(4).shuffle(false)
        .workers(2).build();
        EpochIterator it = loader.epoch(0)) {
      try (Batch b = it.next()) {
        Tensor t = b.images();
        // temporaries (views) share the storage: free them with a scope, as a training step does
        try (PointerScope scope = new PointerScope()) {
          assertThat(t.sizes().vec().get()).containsExactly(4, 1, 2, 3);
        assertThat(t.data_ptr().address()).isEqualTo(b.imageData().address());
        for (int n = 0; n < 4; n++) {
          assertThat(t.get(n).get(0).get(1).get(2).item_float()).isEqualTo(n + 0.5f);
          assertThat(b.value(n, 0, 1, 2)).isEqualTo(n + 0.5f);
        }
        assertThat(t.sum().item_double()).isCloseTo(4 * 6 * 1.5 + 4 * 1.5, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(b.labels()).containsExactly(0, 1, 2, 3);
        assertThat(b.indices()).containsExactly(0, 1, 2, 3);
        assertThat(OffHeapTensors.liveCount()).isEqualTo(live + 1);
        }
      }
      assertThat(OffHeapTensors.liveCount()).as("deleter closed the arena").isEqualTo(live);
    }
  }

  @Test
  void close_batchWithoutTensor_freesItsMemory_andImagesAfterCloseThrows() {
    try (DataLoader loader = DataLoader.builder(new Numbered(4, Set.of())).batchSize(2).build();
        EpochIterator it = loader.epoch(0)) {
      Batch b = it.next();
      var segment = b.imageData();
      b.close();
      b.close();
      assertThat(segment.scope().isAlive()).isFalse();
      assertThatThrownBy(b::images).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void epoch_oneOrFourWorkers_giveIdenticalBatches() {
    ImageDataset ds = SyntheticDataset.of(24, 40, 3, 7);
    Transform t = PretrainTransform.randomResizedCrop(16).hflip().normalize(Normalization.imagenet());
    List<int[]> idx1 = new ArrayList<>();
    List<int[]> idx4 = new ArrayList<>();
    List<float[]> one;
    List<float[]> four;
    try (DataLoader l = DataLoader.builder(ds).batchSize(5).workers(1).seed(3).transform(t).build()) {
      one = drain(l, 1, idx1);
    }
    try (DataLoader l = DataLoader.builder(ds).batchSize(5).workers(4).prefetch(4).seed(3).transform(t).build()) {
      four = drain(l, 1, idx4);
    }
    assertThat(one).hasSize(5);
    assertThat(four).hasSize(5);
    for (int i = 0; i < one.size(); i++) {
      assertThat(four.get(i)).isEqualTo(one.get(i));
      assertThat(idx4.get(i)).isEqualTo(idx1.get(i));
    }
    assertThat(idx1.get(4)).hasSize(4); // last partial batch kept without dropLast
  }

  @Test
  void order_isAPermutation_samePerSeedAndEpoch_differentAcrossEpochs() {
    try (DataLoader a = DataLoader.builder(new Numbered(50, Set.of())).seed(1).build();
        DataLoader b = DataLoader.builder(new Numbered(50, Set.of())).seed(1).build()) {
      int[] e0 = a.order(0);
      assertThat(Arrays.stream(e0).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, 50).toArray());
      assertThat(b.order(0)).isEqualTo(e0);
      assertThat(a.order(1)).isNotEqualTo(e0);
    }
  }

  @Test
  void epoch_unreadableSamples_areSkippedCountedAndReplacedByTheNext() {
    try (DataLoader loader = DataLoader.builder(new Numbered(8, Set.of(2, 3))).batchSize(4).shuffle(false)
        .dropLast(true).build()) {
      List<int[]> indices = new ArrayList<>();
      List<float[]> values = drain(loader, 0, indices);
      assertThat(indices).hasSize(2);
      // positions 2 and 3 both take the next readable sample of the order, 4
      assertThat(indices.get(0)).containsExactly(0, 1, 4, 4);
      assertThat(indices.get(1)).containsExactly(4, 5, 6, 7);
      assertThat(values.get(0)[2 * 6]).isEqualTo(4f);
      assertThat(values.get(0)[3 * 6 + 5]).isEqualTo(4.5f);
      assertThat(loader.skippedCount()).isEqualTo(2);
      assertThat(loader.skipped()).containsExactly("Numbered#2", "Numbered#3");
    }
  }

  @Test
  void next_workerFailure_surfacesInConsumerWithEpochAndBatch() {
    Transform failing = (s, rng) -> {
      throw new IllegalStateException("boom");
    };
    try (DataLoader loader = DataLoader.builder(new Numbered(8, Set.of())).batchSize(4).transform(failing).build();
        EpochIterator it = loader.epoch(3)) {
      assertThatThrownBy(it::next).isInstanceOf(DataLoadingException.class)
          .hasMessageContaining("epoch 3 batch 0").hasRootCauseMessage("boom");
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void next_samplesOfDifferentSizes_isAClearError() {
    ImageDataset mixed = new Numbered(4, Set.of()) {
      @Override
      public Sample read(int index) {
        return index == 0 ? new Sample(new float[6], 1, 2, 3, 0) : new Sample(new float[4], 1, 2, 2, 0);
      }
    };
    try (DataLoader loader = DataLoader.builder(mixed).batchSize(4).shuffle(false).build();
        EpochIterator it = loader.epoch(0)) {
      assertThatThrownBy(it::next).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[1, 2, 2]").hasMessageContaining("[1, 2, 3]");
    }
  }

  @Test
  void close_midEpoch_stopsAllWorkerThreadsAndFreesPrefetchedBatches() throws InterruptedException {
    Torch.load();
    int live = OffHeapTensors.liveCount();
    DataLoader loader = DataLoader.builder(SyntheticDataset.of(64, 32, 3, 1)).batchSize(4).workers(3)
        .prefetch(4).build();
    EpochIterator it = loader.epoch(0);
    try (Batch b = it.next()) {
      assertThat(b.images().size(0)).isEqualTo(4);
    }
    assertThat(workerThreads()).isNotEmpty();
    loader.close();
    loader.close();
    assertThat(workerThreads()).isEmpty();
    assertThat(it.hasNext()).isFalse();
    assertThat(OffHeapTensors.liveCount()).isEqualTo(live);
    assertThatThrownBy(() -> loader.epoch(1)).isInstanceOf(IllegalStateException.class);
  }

  private static List<Thread> workerThreads() throws InterruptedException {
    List<Thread> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("mae4j-data-") && t.isAlive()) {
        alive.add(t);
      }
    }
    return alive;
  }

  @Test
  void build_badSettings_areRejected() {
    ImageDataset ds = new Numbered(3, Set.of());
    assertThatThrownBy(() -> DataLoader.builder(ds).batchSize(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchSize");
    assertThatThrownBy(() -> DataLoader.builder(ds).batchSize(4).dropLast(true).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than batchSize 4");
  }

  @Test
  void batchesPerEpoch_dropLastOrNot() {
    try (DataLoader keep = DataLoader.builder(new Numbered(10, Set.of())).batchSize(4).build();
        DataLoader drop = DataLoader.builder(new Numbered(10, Set.of())).batchSize(4).dropLast(true).build()) {
      assertThat(keep.batchesPerEpoch()).isEqualTo(3);
      assertThat(drop.batchesPerEpoch()).isEqualTo(2);
    }
  }
}

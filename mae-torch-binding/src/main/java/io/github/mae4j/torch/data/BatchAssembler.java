package io.github.mae4j.torch.data;

import io.github.mae4j.torch.internal.UninitializedMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds one batch on a worker thread: reads and transforms its samples and copies each into a fresh shared
 * arena as soon as it is ready (float32 NCHW).
 *
 * <p>A sample that cannot be read is skipped: the next position of the epoch's order is taken instead
 * (position p+1, p+2, … modulo the dataset size), up to {@code maxAttempts} tries. What is taken depends only on
 * which files are bad, never on timing, so batches are the same for any worker count.
 */
final class BatchAssembler {
  private final ImageDataset dataset;
  private final Transform transform;
  private final long seed;
  private final int maxAttempts;
  private final Map<Integer, String> skipped = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> skipsByEpoch = new ConcurrentHashMap<>();
  private final Consumer<String> skipLog;

  BatchAssembler(ImageDataset dataset, Transform transform, long seed, int maxAttempts, Consumer<String> skipLog) {
    this.dataset = dataset;
    this.transform = transform;
    this.seed = seed;
    this.maxAttempts = maxAttempts;
    this.skipLog = skipLog;
  }

  /** A batch being made; discarding it frees its memory now or as soon as the worker notices. */
  static final class Slot {
    final int epoch;
    final int number;
    private @Nullable Arena arena;
    private boolean discarded;

    Slot(int epoch, int number) {
      this.epoch = epoch;
      this.number = number;
    }

    synchronized boolean attach(Arena a) {
      if (discarded) {
        a.close();
        return false;
      }
      arena = a;
      return true;
    }

    synchronized boolean discarded() {
      return discarded;
    }

    synchronized void discard() {
      discarded = true;
      if (arena != null) {
        arena.close();
        arena = null;
      }
    }

    /** The consumer took the batch: from now on the Batch owns the arena. */
    synchronized void claim() {
      arena = null;
    }
  }

  /** Builds batch {@code slot.number} from epoch positions [start, start + count) of {@code order}. */
  @Nullable Batch assemble(Slot slot, int[] order, int start, int count) {
    try {
      return assembleInto(slot, order, start, count);
    } catch (IllegalStateException e) {
      if (slot.discarded()) {
        return null; // the arena was closed under us: nobody wants this batch any more
      }
      throw e;
    }
  }

  private @Nullable Batch assembleInto(Slot slot, int[] order, int start, int count) {
    long[] labels = new long[count];
    int[] indices = new int[count];
    MemorySegment data = null;
    Arena arena = null;
    long[] shape = null;
    for (int j = 0; j < count; j++) {
      if (slot.discarded() || Thread.currentThread().isInterrupted()) {
        return null;
      }
      Chosen chosen = sampleAt(slot, order, start + j);
      Sample s = chosen.sample();
      if (shape == null) {
        shape = new long[] {count, s.channels(), s.height(), s.width()};
        arena = Arena.ofShared();
        if (!slot.attach(arena)) {
          return null;
        }
        data = UninitializedMemory.allocate(arena, (long) count * s.chw().length * Float.BYTES); // filled below
      } else if (s.channels() != shape[1] || s.height() != shape[2] || s.width() != shape[3]) {
        throw new IllegalArgumentException("sample " + dataset.describe(chosen.index())
            + " has shape [" + s.channels() + ", " + s.height() + ", " + s.width() + "] but batch "
            + slot.number + " has " + Arrays.toString(Arrays.copyOfRange(shape, 1, 4))
            + ": add a transform that crops or resizes to a fixed size (e.g. PretrainTransform.randomResizedCrop)");
      }
      MemorySegment.copy(s.chw(), 0, data, ValueLayout.JAVA_FLOAT, (long) j * s.chw().length * Float.BYTES,
          s.chw().length);
      labels[j] = s.label();
      indices[j] = chosen.index();
    }
    return new Batch(slot.epoch, slot.number, arena, data, shape, labels, indices);
  }

  private record Chosen(Sample sample, int index) {}

  private Chosen sampleAt(Slot slot, int[] order, int position) {
    IOException last = null;
    int attempts = Math.min(maxAttempts, order.length);
    for (int attempt = 0; attempt < attempts; attempt++) {
      int index = order[(position + attempt) % order.length];
      if (skipped.containsKey(index)) {
        if (attempt == 0) {
          countSkip(slot.epoch);
        }
        continue;
      }
      Sample sample;
      try {
        sample = dataset.readTransformed(index, transform, Seeds.sampleRandom(seed, slot.epoch, index, attempt));
      } catch (IOException e) {
        if (slot.discarded() || Thread.currentThread().isInterrupted()) {
          throw new IllegalStateException("batch discarded while reading", e); // not the file's fault
        }
        last = e;
        skip(slot.epoch, index, e, attempt == 0);
        continue;
      }
      return new Chosen(sample, index);
    }
    throw new DataLoadingException("epoch " + slot.epoch + " batch " + slot.number + ": no readable image among "
        + attempts + " consecutive samples from position " + position
        + (last == null ? " (all already known unreadable)" : "; last error: " + last.getMessage()), last);
  }

  private void skip(int epoch, int index, IOException e, boolean ownPosition) {
    if (ownPosition) {
      countSkip(epoch);
    }
    if (skipped.putIfAbsent(index, dataset.describe(index)) == null) {
      skipLog.accept(SkipMessages.line(dataset.describe(index), e));
    }
  }

  private void countSkip(int epoch) {
    skipsByEpoch.computeIfAbsent(epoch, k -> new AtomicLong()).incrementAndGet();
  }

  /** Sample positions of epoch {@code epoch} that were filled by a replacement because their image was unreadable. */
  long skippedIn(int epoch) {
    AtomicLong n = skipsByEpoch.get(epoch);
    return n == null ? 0 : n.get();
  }

  /** Distinct dataset indices found unreadable so far. */
  int skippedCount() {
    return skipped.size();
  }

  /** Descriptions (paths) of the unreadable images found so far, sorted. */
  java.util.List<String> skippedDescriptions() {
    return skipped.values().stream().sorted().toList();
  }
}

package io.github.mae4j.torch.downstream;

import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.Sample;
import io.github.mae4j.torch.data.SkipMessages;
import io.github.mae4j.torch.data.Transform;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * Labelled images read from an {@link ImageDataset} batch by batch, through a deterministic transform (resize, centre
 * crop, normalize): nothing but the file list and the labels is held, so a folder of any size fits the default heap.
 * A batch's images are decoded in parallel (the common fork-join pool), into off-heap memory; {@link #prefetch} starts
 * the next batch in the background while the caller computes on the current one. Use from one thread at a time.
 *
 * <p>An unreadable image (empty, corrupt, truncated, over the pixel limit) is skipped together with its label: the
 * batch that needs it comes back one row shorter, its images and labels still paired (a labelled set never puts
 * another image in its place, which would shift the labels). Each such file is told once in one line
 * ({@link SkipMessages#line}) and counted ({@link #skippedCount()}); {@link #labels()} leaves out the samples found
 * unreadable so far, so features computed over the whole set line up with it.
 */
public final class StreamedImages implements LabeledData {
  private final ImageDataset dataset;
  private final int[] indices;
  private final Transform transform;
  private final long[] labels;
  private final Consumer<String> onSkip;
  private final Set<Integer> skippedRows = ConcurrentHashMap.newKeySet();
  private final List<String> skipped = Collections.synchronizedList(new ArrayList<>());
  private volatile int @Nullable [] shape;
  private @Nullable CompletableFuture<Decoded> pending;
  private long @Nullable [] pendingRows;

  private static final ExecutorService PREFETCH = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "mae4j-stream-prefetch");
    t.setDaemon(true);
    return t;
  });

  /**
   * The samples {@code indices} of {@code dataset}, in that order.
   *
   * @param transform deterministic; must give every image the same shape
   * @throws IllegalArgumentException when {@code indices} is empty or the dataset cannot give its labels without
   *     decoding
   */
  public StreamedImages(ImageDataset dataset, int[] indices, Transform transform) {
    this(dataset, indices, transform, System.err::println);
  }

  /**
   * As {@link #StreamedImages(ImageDataset, int[], Transform)}, telling each unreadable image skipped to
   * {@code onSkip} (one line, the first time it is met).
   */
  public StreamedImages(ImageDataset dataset, int[] indices, Transform transform, Consumer<String> onSkip) {
    this.onSkip = onSkip;
    if (indices.length == 0) {
      throw new IllegalArgumentException("no images to read");
    }
    int[] all = dataset.labels().orElseThrow(() -> new IllegalArgumentException(dataset
        + " cannot list its labels without decoding: stream a dataset that can (an image folder, shards with labels)"));
    this.dataset = dataset;
    this.indices = indices.clone();
    this.transform = transform;
    this.labels = Arrays.stream(this.indices).mapToLong(i -> all[i]).toArray();
  }

  @Override
  public long size() {
    return indices.length;
  }

  /**
   * The labels [M] of the samples not found unreadable so far, in order (M = {@link #size()} −
   * {@link #skippedCount()}): after a pass over the whole set, they line up with what the batches gave.
   */
  @Override
  public Tensor labels() {
    long[] kept = IntStream.range(0, labels.length).filter(i -> !skippedRows.contains(i)).mapToLong(i -> labels[i])
        .toArray();
    return Tensor.create(kept, kept.length);
  }

  /** Number of distinct images skipped as unreadable so far. */
  @Override
  public int skippedCount() {
    return skippedRows.size();
  }

  /** The one-line reasons of the images skipped so far, in the order they were met. */
  public List<String> skipped() {
    synchronized (skipped) {
      return List.copyOf(skipped);
    }
  }

  /** The dataset the images come from. */
  public ImageDataset dataset() {
    return dataset;
  }

  @Override
  public LabeledImages gather(Tensor idx) {
    return take(Tensors.toLongArray(idx));
  }

  @Override
  public LabeledImages range(long start, long length) {
    return take(LongStream.range(start, start + length).toArray());
  }

  @Override
  public void prefetch(Tensor idx) {
    prefetchRows(Tensors.toLongArray(idx));
  }

  @Override
  public void prefetchRange(long start, long length) {
    prefetchRows(LongStream.range(start, start + length).toArray());
  }

  /** Starts decoding {@code rows} in the background (off-heap), replacing any earlier prefetch not taken. */
  private synchronized void prefetchRows(long[] rows) {
    discardPending();
    pendingRows = rows;
    pending = CompletableFuture.supplyAsync(() -> decode(rows), PREFETCH);
  }

  private synchronized void discardPending() {
    if (pending != null) {
      pending.thenAccept(d -> d.arena().close()); // frees it as soon as the decoding ends
      pending = null;
      pendingRows = null;
    }
  }

  /** The batch of {@code rows}: the prefetched one when it is these rows, else decoded now. */
  private LabeledImages take(long[] rows) {
    CompletableFuture<Decoded> f = null;
    synchronized (this) {
      if (pending != null && Arrays.equals(pendingRows, rows)) {
        f = pending;
        pending = null;
        pendingRows = null;
      } else {
        discardPending();
      }
    }
    Decoded d;
    if (f != null) {
      try {
        d = f.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    } else {
      d = decode(rows);
    }
    try (Arena arena = d.arena()) {
      int[] good = d.good();
      long per = (long) d.channels() * d.height() * d.width() * Float.BYTES;
      Tensor images = torch.empty(good.length, d.channels(), d.height(), d.width());
      MemorySegment dst = good.length == 0 ? MemorySegment.NULL
          : MemorySegment.ofAddress(images.data_ptr().address()).reinterpret(good.length * per);
      long[] batchLabels = new long[good.length];
      for (int j = 0; j < good.length; j++) {
        MemorySegment.copy(d.data(), good[j] * per, dst, j * per, per);
        batchLabels[j] = labels[Math.toIntExact(rows[good[j]])];
      }
      return new LabeledImages(images, Tensor.create(batchLabels, good.length));
    }
  }

  private record Decoded(Arena arena, MemorySegment data, int[] good, int channels, int height, int width) {}

  /**
   * Decodes {@code rows} in parallel into one off-heap buffer [n, C, H, W]: the heap holds only the images being
   * decoded at the moment, never a batch. No libtorch call, so it may run on any thread.
   */
  private Decoded decode(long[] rows) {
    int n = rows.length;
    int firstGood = -1;
    Sample first = null;
    for (int i = 0; i < n && first == null; i++) {
      first = readOrSkip(Math.toIntExact(rows[i]));
      firstGood = i;
    }
    int[] known = shape;
    if (first == null) {
      if (known == null) {
        throw new IllegalArgumentException("no readable image in a batch of " + n + " and none read before it: "
            + String.join("; ", skipped()));
      }
      return new Decoded(Arena.ofShared(), MemorySegment.NULL, new int[0], known[0], known[1], known[2]);
    }
    Sample f = first;
    shape = new int[] {f.channels(), f.height(), f.width()};
    int per = f.chw().length;
    boolean[] ok = new boolean[n];
    ok[firstGood] = true;
    Arena arena = Arena.ofShared();
    try {
      MemorySegment out = arena.allocate((long) n * per * Float.BYTES, 64);
      MemorySegment.copy(f.chw(), 0, out, ValueLayout.JAVA_FLOAT, (long) firstGood * per * Float.BYTES, per);
      IntStream.range(firstGood + 1, n).parallel().forEach(i -> {
        Sample s = readOrSkip(Math.toIntExact(rows[i]));
        if (s == null) {
          return;
        }
        if (s.channels() != f.channels() || s.height() != f.height() || s.width() != f.width()) {
          throw new IllegalArgumentException("image " + dataset.describe(indices[(int) rows[i]])
              + " came out of the transform as [" + s.channels() + ", " + s.height() + ", " + s.width()
              + "], another as [" + f.channels() + ", " + f.height() + ", " + f.width()
              + "]: the transform must give every image the same shape");
        }
        MemorySegment.copy(s.chw(), 0, out, ValueLayout.JAVA_FLOAT, (long) i * per * Float.BYTES, per);
        ok[i] = true;
      });
      int[] good = IntStream.range(0, n).filter(i -> ok[i]).toArray();
      return new Decoded(arena, out, good, f.channels(), f.height(), f.width());
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /** Row {@code row} through the transform, or null when its image cannot be read (told once and counted). */
  private @Nullable Sample readOrSkip(int row) {
    int index = indices[row];
    try {
      return dataset.readTransformed(index, transform, new SplittableRandom(0));
    } catch (IOException e) {
      if (skippedRows.add(row)) {
        String line = SkipMessages.line(dataset.describe(index), e);
        synchronized (skipped) { // decoding threads tell one at a time
          skipped.add(line);
          onSkip.accept(line);
        }
      }
      return null;
    }
  }
}

package io.github.mae4j.torch.downstream;

import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.Sample;
import io.github.mae4j.torch.data.Transform;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * <p>An unreadable image fails the batch that needs it with an {@link IllegalArgumentException} naming the file (a
 * labelled set does not replace a sample by another: that would change the labels the metrics are computed on).
 */
public final class StreamedImages implements LabeledData {
  private final ImageDataset dataset;
  private final int[] indices;
  private final Transform transform;
  private final long[] labels;
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

  @Override
  public Tensor labels() {
    return Tensor.create(labels.clone(), labels.length);
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
      Tensor images = torch.empty(rows.length, d.channels(), d.height(), d.width());
      MemorySegment.copy(d.data(), 0, MemorySegment.ofAddress(images.data_ptr().address())
          .reinterpret(d.data().byteSize()), 0, d.data().byteSize());
      long[] batchLabels = new long[rows.length];
      for (int i = 0; i < rows.length; i++) {
        batchLabels[i] = labels[Math.toIntExact(rows[i])];
      }
      return new LabeledImages(images, Tensor.create(batchLabels, rows.length));
    }
  }

  private record Decoded(Arena arena, MemorySegment data, int channels, int height, int width) {}

  /**
   * Decodes {@code rows} in parallel into one off-heap buffer [n, C, H, W]: the heap holds only the images being
   * decoded at the moment, never a batch. No libtorch call, so it may run on any thread.
   */
  private Decoded decode(long[] rows) {
    int n = rows.length;
    Sample first;
    try {
      first = read(Math.toIntExact(rows[0]));
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
    }
    int per = first.chw().length;
    Arena arena = Arena.ofShared();
    try {
      MemorySegment out = arena.allocate((long) n * per * Float.BYTES, 64);
      MemorySegment.copy(first.chw(), 0, out, ValueLayout.JAVA_FLOAT, 0, per);
      IntStream.range(1, n).parallel().forEach(i -> {
        Sample s = read(Math.toIntExact(rows[i]));
        if (s.channels() != first.channels() || s.height() != first.height() || s.width() != first.width()) {
          throw new IllegalArgumentException("image " + dataset.describe(indices[(int) rows[i]])
              + " came out of the transform as [" + s.channels() + ", " + s.height() + ", " + s.width()
              + "], another as [" + first.channels() + ", " + first.height() + ", " + first.width()
              + "]: the transform must give every image the same shape");
        }
        MemorySegment.copy(s.chw(), 0, out, ValueLayout.JAVA_FLOAT, (long) i * per * Float.BYTES, per);
      });
      return new Decoded(arena, out, first.channels(), first.height(), first.width());
    } catch (UncheckedIOException e) {
      arena.close();
      throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  private Sample read(int row) {
    int index = indices[row];
    try {
      return transform.apply(dataset.read(index), new SplittableRandom(0));
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException("unreadable image " + dataset.describe(index) + ": "
          + e.getMessage(), e));
    }
  }
}

package io.github.mae4j.torch.downstream;

import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.Sample;
import io.github.mae4j.torch.data.Transform;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Labelled images read from an {@link ImageDataset} batch by batch, through a deterministic transform (resize, centre
 * crop, normalize): nothing but the file list and the labels is held, so a folder of any size fits the default heap.
 * A batch's images are decoded in parallel (the common fork-join pool). Safe to use from one thread at a time.
 *
 * <p>An unreadable image fails the batch that needs it with an {@link IllegalArgumentException} naming the file (a
 * labelled set does not replace a sample by another: that would change the labels the metrics are computed on).
 */
public final class StreamedImages implements LabeledData {
  private final ImageDataset dataset;
  private final int[] indices;
  private final Transform transform;
  private final long[] labels;

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
    long[] rows = Tensors.toLongArray(idx);
    int n = rows.length;
    long[] batchLabels = new long[n];
    for (int i = 0; i < n; i++) {
      batchLabels[i] = labels[Math.toIntExact(rows[i])];
    }
    // each image goes straight into the batch tensor as soon as it is decoded: the heap holds only the images being
    // decoded at the moment, never a batch
    Sample first;
    try {
      first = read(Math.toIntExact(rows[0]));
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
    }
    int per = first.chw().length;
    Tensor images = torch.empty(n, first.channels(), first.height(), first.width());
    MemorySegment out = MemorySegment.ofAddress(images.data_ptr().address()).reinterpret((long) n * per * Float.BYTES);
    MemorySegment.copy(first.chw(), 0, out, ValueLayout.JAVA_FLOAT, 0, per);
    try {
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
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
    }
    return new LabeledImages(images, Tensor.create(batchLabels, n));
  }

  @Override
  public LabeledImages range(long start, long length) {
    Tensor idx = Tensor.create(java.util.stream.LongStream.range(start, start + length).toArray(), length);
    return gather(idx);
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

package io.github.mae4j.torch.data;

import io.github.mae4j.torch.internal.OffHeapTensors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jspecify.annotations.Nullable;
import org.bytedeco.pytorch.Tensor;

/**
 * N images assembled off-heap as float32 NCHW, their labels and dataset indices.
 *
 * <p>{@link #images()} shares the memory with libtorch without copying; the memory is freed when this batch is
 * closed and no tensor or view of the images is alive any more (libtorch's deleter closes the arena). Close every
 * batch (try-with-resources); closing twice is harmless; {@link #images()} after close throws.
 */
public final class Batch implements AutoCloseable {
  private final int epoch;
  private final int number;
  private final Arena arena;
  private final MemorySegment data;
  private final long[] shape;
  private final long[] labels;
  private final int[] indices;
  private @Nullable Tensor tensor;
  private boolean closed;

  Batch(int epoch, int number, Arena arena, MemorySegment data, long[] shape, long[] labels, int[] indices) {
    this.epoch = epoch;
    this.number = number;
    this.arena = arena;
    this.data = data;
    this.shape = shape;
    this.labels = labels;
    this.indices = indices;
  }

  /**
   * The images as a tensor sharing this batch's memory (made on first call, the same tensor afterwards).
   *
   * <p>→ images [N, C, H, W] float32, CPU
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized Tensor images() {
    if (closed) {
      throw new IllegalStateException("batch " + number + " of epoch " + epoch + " is closed");
    }
    if (tensor == null) {
      tensor = OffHeapTensors.wrapFloats(arena, data, shape);
    }
    return tensor;
  }

  /** The images as read-only off-heap memory, float32 NCHW (valid until close). */
  public MemorySegment imageData() {
    return data.asReadOnly();
  }

  /** One value of the images, {@code [n, c, y, x]} (for inspection; use the tensor for work). */
  public float value(int n, int c, int y, int x) {
    long i = ((n * shape[1] + c) * shape[2] + y) * shape[3] + x;
    return data.getAtIndex(ValueLayout.JAVA_FLOAT, i);
  }

  /** Labels, one per image (-1 where the dataset has none). */
  public long[] labels() {
    return labels.clone();
  }

  /** Dataset indices of the images (a skipped sample's replacement shows its own index). */
  public int[] indices() {
    return indices.clone();
  }

  /** {@code [N, C, H, W]}. */
  public long[] shape() {
    return shape.clone();
  }

  /** N. */
  public int size() {
    return (int) shape[0];
  }

  /** The epoch this batch belongs to. */
  public int epoch() {
    return epoch;
  }

  /** Position of this batch within its epoch, from 0. */
  public int number() {
    return number;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Tensor t = tensor;
    tensor = null;
    if (t != null) {
      t.close(); // drops our reference; the deleter closes the arena once libtorch frees the storage
    } else {
      arena.close();
    }
  }
}

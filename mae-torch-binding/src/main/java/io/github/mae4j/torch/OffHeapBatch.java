package io.github.mae4j.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.PointerConsumer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A float32 batch in off-heap memory ({@link Arena#ofShared()}) that libtorch reads without a copy: fill
 * {@link #segment()} (e.g. from a data loader thread), then hand {@link #tensor()} to the model.
 *
 * <p>The memory lives as long as either this handle is open or libtorch still holds the tensor's storage (the
 * tensor or any view of it): {@code from_blob} gets a deleter that drops the storage's claim, and the arena is
 * closed when both claims are gone. So closing the batch before the tensor, or the tensor before the batch, is
 * safe in either order and from any thread. After {@link #close()} the segment is no longer handed out.
 */
public final class OffHeapBatch implements AutoCloseable {
  /** Live memory by data address; the single shared deleter looks owners up here (callback slots are scarce). */
  private static final Map<Long, OffHeapBatch> LIVE = new ConcurrentHashMap<>();
  private static final PointerConsumer DELETER = new PointerConsumer() {
    @Override
    public void call(Pointer data) {
      OffHeapBatch owner = LIVE.get(data.address());
      if (owner != null) {
        owner.release();
      }
    }
  };

  private final Arena arena = Arena.ofShared();
  private final MemorySegment segment;
  private final long[] shape;
  /** 1 for this handle + 1 per tensor storage created by {@link #tensor()}. */
  private final AtomicInteger claims = new AtomicInteger(1);
  private volatile boolean closed;

  private OffHeapBatch(long[] shape) {
    long count = 1;
    for (long s : shape) {
      if (s <= 0) {
        throw new IllegalArgumentException("shape must be positive, got " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, s);
    }
    this.shape = shape.clone();
    this.segment = arena.allocate(ValueLayout.JAVA_FLOAT, count);
    LIVE.put(segment.address(), this);
  }

  /** A zeroed float32 batch of the given shape, e.g. {@code [N, C, H, W]}. */
  public static OffHeapBatch allocate(long... shape) {
    Torch.load();
    return new OffHeapBatch(shape);
  }

  /** The memory, row-major float32 in native (little-endian) order. */
  public MemorySegment segment() {
    ensureOpen();
    return segment;
  }

  public long[] shape() {
    return shape.clone();
  }

  /**
   * A new CPU float32 tensor [shape] sharing this memory (no copy). Each call creates a new storage claim; the
   * memory stays valid until every such tensor (and view) is freed and this handle is closed.
   */
  public Tensor tensor() {
    ensureOpen();
    claims.incrementAndGet();
    Pointer data = new Pointer() {
      {
        address = segment.address();
        limit = segment.byteSize();
        capacity = segment.byteSize();
      }
    };
    try {
      return torch.from_blob(data, shape, DELETER);
    } catch (RuntimeException e) {
      release();
      throw e;
    }
  }

  /** Whether the native memory has been given back (both this handle and every tensor are gone). */
  boolean isMemoryReleased() {
    return !arena.scope().isAlive();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("OffHeapBatch is closed");
    }
  }

  private void release() {
    if (claims.decrementAndGet() == 0) {
      LIVE.remove(segment.address());
      arena.close();
    }
  }

  /** Drops this handle's claim; the memory goes once libtorch's tensors are freed too. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    release();
  }
}

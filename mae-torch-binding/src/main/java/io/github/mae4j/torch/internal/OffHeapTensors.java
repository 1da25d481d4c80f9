package io.github.mae4j.torch.internal;

import io.github.mae4j.torch.Torch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.PointerConsumer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Wraps off-heap float32 memory ({@link MemorySegment}) as a libtorch tensor without copying ({@code from_blob}),
 * handing the memory's {@link Arena} to the tensor: when libtorch frees the tensor's storage (the last tensor or
 * view sharing it is closed), a deleter closes the arena. Until then the arena must not be closed by anyone else.
 *
 * <p>One static deleter serves every tensor (a JavaCPP callback must stay reachable while native code may call
 * it); it finds the arena by the data address. The deleter may run on any thread, which a shared arena allows.
 */
public final class OffHeapTensors {
  private static final ConcurrentHashMap<Long, Arena> OWNERS = new ConcurrentHashMap<>();
  private static volatile PointerConsumer deleter;

  private OffHeapTensors() {}

  /**
   * A float32 tensor of {@code shape} over {@code data}, owning {@code arena}.
   *
   * <p>data [prod(shape)] float32, contiguous → tensor shape
   *
   * @param arena a shared arena ({@link Arena#ofShared()}) that owns {@code data}; closed by the tensor's deleter
   * @throws IllegalArgumentException when the segment size does not match the shape
   */
  public static Tensor wrapFloats(Arena arena, MemorySegment data, long... shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(shape));
      }
      n *= d;
    }
    if (n * Float.BYTES != data.byteSize()) {
      throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " needs " + n * Float.BYTES
          + " bytes, the segment has " + data.byteSize());
    }
    Torch.load();
    long start = data.address();
    long bytes = data.byteSize();
    if (start == 0 || bytes == 0) {
      throw new IllegalArgumentException("cannot wrap an empty or NULL segment as a tensor");
    }
    if (OWNERS.putIfAbsent(start, arena) != null) {
      throw new IllegalStateException("memory at 0x" + Long.toHexString(start) + " is already owned by a tensor");
    }
    try {
      Pointer p = new Pointer() {
        {
          // (a local named `address` would be shadowed by Pointer.address here)
          address = start;
          limit = bytes;
          capacity = bytes;
        }
      };
      return torch.from_blob(p, shape, deleter(), new TensorOptions(torch.ScalarType.Float));
    } catch (RuntimeException | Error e) {
      OWNERS.remove(start);
      throw e;
    }
  }

  /** Number of arenas still owned by live tensors (for leak tests). */
  public static int liveCount() {
    return OWNERS.size();
  }

  private static PointerConsumer deleter() {
    PointerConsumer d = deleter;
    if (d == null) {
      synchronized (OffHeapTensors.class) {
        d = deleter;
        if (d == null) {
          d = new PointerConsumer() {
            @Override
            public void call(Pointer data) {
              if (data == null) {
                return; // libtorch passes the data pointer; null only for empty storage, which we never make
              }
              Arena a = OWNERS.remove(data.address());
              if (a != null) {
                a.close();
              }
            }
          };
          d.retainReference();
          deleter = d;
        }
      }
    }
    return d;
  }
}

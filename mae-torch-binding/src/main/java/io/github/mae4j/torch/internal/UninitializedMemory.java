package io.github.mae4j.torch.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Off-heap memory that is not zeroed first ({@code aligned_alloc}/{@code free} of the C library through the FFM
 * API), for buffers that are overwritten in full anyway: {@code Arena.allocate} zeroes every byte, which for a
 * batch of 64 images of 224×224 is 38 MB written for nothing (measured: ~10 % of the loader's Java samples).
 *
 * <p>Freed blocks are kept, up to {@link #KEEP_LIMIT} bytes in all, and handed out again for the next allocation of
 * the same size: a loader allocates one batch-sized block per batch, and a block that large (above glibc's mmap
 * threshold, at most 32 MiB) would otherwise be unmapped when freed and mapped anew, every page faulted in and
 * cleared by the kernel on its first write — the copy of each sample into its batch took ~20 % of the loader's Java
 * samples that way. {@link #releaseKept()} gives the kept blocks back (the loaders call it when they close).
 */
public final class UninitializedMemory {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle ALIGNED_ALLOC = LINKER.downcallHandle(
      LINKER.defaultLookup().find("aligned_alloc").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
  private static final MethodHandle FREE = LINKER.downcallHandle(LINKER.defaultLookup().find("free").orElseThrow(),
      FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
  private static final long ALIGNMENT = 64;
  /** The most bytes of freed blocks kept for reuse. */
  static final long KEEP_LIMIT = 256L << 20;
  private static final ConcurrentHashMap<Long, ConcurrentLinkedDeque<MemorySegment>> KEPT = new ConcurrentHashMap<>();
  private static final AtomicLong KEPT_BYTES = new AtomicLong();

  private UninitializedMemory() {}

  /**
   * {@code bytes} bytes aligned to 64, freed when {@code arena} closes; their content is undefined until written.
   *
   * @throws OutOfMemoryError when the C library has no memory to give
   */
  public static MemorySegment allocate(Arena arena, long bytes) {
    long size = rounded(bytes);
    MemorySegment raw = takeKept(size);
    if (raw == null) {
      try {
        raw = (MemorySegment) ALIGNED_ALLOC.invokeExact(ALIGNMENT, size);
      } catch (Throwable e) {
        throw new IllegalStateException("aligned_alloc failed", e);
      }
      if (raw.equals(MemorySegment.NULL)) {
        throw new OutOfMemoryError("aligned_alloc(" + ALIGNMENT + ", " + size + ") returned NULL");
      }
    }
    MemorySegment block = raw;
    return raw.reinterpret(bytes, arena, ignored -> release(block, size));
  }

  /** {@code bytes} rounded up to a multiple of the alignment, as C11's aligned_alloc asks. */
  private static long rounded(long bytes) {
    return Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
  }

  /** Frees the blocks kept for reuse; returns how many bytes that gave back. */
  public static long releaseKept() {
    long released = 0;
    for (Map.Entry<Long, ConcurrentLinkedDeque<MemorySegment>> e : KEPT.entrySet()) {
      for (MemorySegment s = e.getValue().pollFirst(); s != null; s = e.getValue().pollFirst()) {
        KEPT_BYTES.addAndGet(-e.getKey());
        released += e.getKey();
        free(s);
      }
    }
    return released;
  }

  /** Bytes of freed blocks kept for reuse now. */
  public static long keptBytes() {
    return KEPT_BYTES.get();
  }

  /** Blocks kept for allocations of {@code bytes} bytes (for tests). */
  static int keptBlocks(long bytes) {
    ConcurrentLinkedDeque<MemorySegment> kept = KEPT.get(rounded(bytes));
    return kept == null ? 0 : kept.size();
  }

  private static @Nullable MemorySegment takeKept(long size) {
    ConcurrentLinkedDeque<MemorySegment> kept = KEPT.get(size);
    MemorySegment s = kept == null ? null : kept.pollFirst();
    if (s != null) {
      KEPT_BYTES.addAndGet(-size);
    }
    return s;
  }

  private static void release(MemorySegment block, long size) {
    if (KEPT_BYTES.addAndGet(size) <= KEEP_LIMIT) {
      KEPT.computeIfAbsent(size, k -> new ConcurrentLinkedDeque<>()).addFirst(block);
      return;
    }
    KEPT_BYTES.addAndGet(-size);
    free(block);
  }

  private static void free(MemorySegment s) {
    try {
      FREE.invokeExact(s);
    } catch (Throwable e) {
      throw new IllegalStateException("free failed", e);
    }
  }
}

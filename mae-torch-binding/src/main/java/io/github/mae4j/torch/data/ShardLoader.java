package io.github.mae4j.torch.data;

import io.github.mae4j.torch.internal.UninitializedMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Batches from tar shards read strictly sequentially ({@link ShardStream}: a seeded shuffle of the shard order per
 * epoch, a split over {@code worldSize × workers} slots with no sample in two slots, a seeded shuffle buffer), the
 * WebDataset way, instead of reading members by offset in a random order ({@link TarShards} through a
 * {@link DataLoader}). {@link TarShards} is only the index: it numbers the samples (a sample's augmentation draws
 * from (seed, epoch, number), a distributed run's mask too) and checks the labels.
 *
 * <p>Worker {@code w} of this rank reads its slot's stream and makes the batches {@code w, w + workers, …} of the
 * epoch, each from the next {@code batchSize} readable samples of its stream; so an epoch's batches depend on
 * (seed, epoch, rank, world size, workers) — unlike {@link DataLoader}'s, not the same for another worker count.
 * Every rank makes the same number of batches per epoch: a slot whose share runs out starts its stream again (those
 * samples are seen twice, as the tail that {@code DistributedSampler} pads by wrapping). Unreadable images are
 * skipped (told once through {@code onSkip}, counted), their place taken by the next sample of the stream.
 */
public final class ShardLoader implements AutoCloseable {
  private static final int MAX_UNREADABLE_IN_A_ROW = 32;

  private final TarShards index;
  private final ShardStream stream;
  private final Transform transform;
  private final int batchSize;
  private final int workers;
  private final int rank;
  private final int worldSize;
  private final long seed;
  private final long batchesPerEpoch;
  private final Consumer<String> onSkip;
  private final Map<Integer, String> skipped = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> skipsByEpoch = new ConcurrentHashMap<>();
  private final List<Epoch> open = new ArrayList<>();

  /**
   * @param batchesPerEpoch batches each rank makes per epoch (all ranks the same)
   * @param bufferSize samples in each slot's shuffle buffer
   */
  public ShardLoader(TarShards index, Transform transform, int batchSize, int workers, int rank, int worldSize,
      long seed, long batchesPerEpoch, int bufferSize, Consumer<String> onSkip) {
    if (batchSize < 1 || workers < 1 || batchesPerEpoch < 1) {
      throw new IllegalArgumentException("need batchSize, workers and batchesPerEpoch >= 1, got " + batchSize + ", "
          + workers + ", " + batchesPerEpoch);
    }
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("need 0 <= rank < worldSize, got rank " + rank + " of " + worldSize);
    }
    this.index = index;
    this.stream = new ShardStream(index.shards(), seed, bufferSize, onSkip);
    this.transform = transform;
    this.batchSize = batchSize;
    this.workers = workers;
    this.rank = rank;
    this.worldSize = worldSize;
    this.seed = seed;
    this.batchesPerEpoch = batchesPerEpoch;
    this.onSkip = onSkip;
  }

  public long batchesPerEpoch() {
    return batchesPerEpoch;
  }

  public int batchSize() {
    return batchSize;
  }

  /** Distinct samples found unreadable so far. */
  public int skippedCount() {
    return skipped.size();
  }

  /** Samples of {@code epoch} skipped as unreadable (each replaced by the next of its stream). */
  public long skippedIn(int epoch) {
    AtomicLong n = skipsByEpoch.get(epoch);
    return n == null ? 0 : n.get();
  }

  /** The batches of {@code epoch}, made in the background by the workers; close it (or this loader) when done. */
  public synchronized Epoch epoch(int epoch) {
    Epoch e = new Epoch(epoch);
    open.add(e);
    return e;
  }

  @Override
  public void close() {
    List<Epoch> all;
    synchronized (this) {
      all = List.copyOf(open);
      open.clear();
    }
    for (Epoch e : all) {
      e.close();
    }
    UninitializedMemory.releaseKept(); // batch blocks kept for reuse: none is needed once the loader is closed
  }

  /** One pass: {@link #next()} returns the epoch's batches in order. */
  public final class Epoch implements Iterator<Batch>, AutoCloseable {
    private final int epoch;
    private final List<BlockingQueue<Object>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private long next;
    private volatile boolean closed;

    Epoch(int epoch) {
      this.epoch = epoch;
      for (int w = 0; w < workers; w++) {
        BlockingQueue<Object> q = new ArrayBlockingQueue<>(2);
        queues.add(q);
        int worker = w;
        Thread t = Thread.ofPlatform().daemon().name("mae4j-shards-e" + epoch + "-w" + w)
            .start(() -> work(worker, q));
        threads.add(t);
      }
    }

    @Override
    public boolean hasNext() {
      return !closed && next < batchesPerEpoch;
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException("epoch " + epoch + " has " + batchesPerEpoch + " batches");
      }
      Object o;
      try {
        o = queues.get((int) (next % workers)).take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DataLoadingException("interrupted waiting for batch " + next + " of epoch " + epoch, e);
      }
      next++;
      if (o instanceof Batch b) {
        return b;
      }
      Throwable t = (Throwable) o;
      if (t instanceof IllegalArgumentException iae) {
        throw new IllegalArgumentException("epoch " + epoch + " batch " + (next - 1) + ": " + iae.getMessage(), iae);
      }
      throw new DataLoadingException("epoch " + epoch + " batch " + (next - 1) + ": " + t.getMessage(), t);
    }

    /** Stops the workers and frees the batches made but not taken. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      synchronized (ShardLoader.this) {
        open.remove(this);
      }
      for (Thread t : threads) {
        t.interrupt();
      }
      for (Thread t : threads) {
        try {
          t.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      for (BlockingQueue<Object> q : queues) {
        for (Object o; (o = q.poll()) != null; ) {
          if (o instanceof Batch b) {
            b.close();
          }
        }
      }
    }

    private void work(int worker, BlockingQueue<Object> out) {
      Iterator<ShardStream.Item> items = stream.items(epoch, rank, worldSize, worker, workers);
      boolean anyInPass = false;
      try {
        for (long b = worker; b < batchesPerEpoch && !closed; b += workers) {
          Arena arena = Arena.ofShared();
          Batch batch = null;
          boolean handedOver = false;
          try {
            int[] shape = null;
            MemorySegment data = null;
            long[] labels = new long[batchSize];
            int[] indices = new int[batchSize];
            int unreadable = 0;
            for (int n = 0; n < batchSize; ) {
              if (closed || Thread.currentThread().isInterrupted()) {
                return;
              }
              if (!items.hasNext()) { // this slot's share is used up: start it again (padding, as by wrapping)
                if (!anyInPass) {
                  throw new IllegalArgumentException("rank " + rank + " worker " + worker + " of " + workers
                      + " has no readable sample in " + index.shards().size() + " shard(s)");
                }
                anyInPass = false;
                items = stream.items(epoch, rank, worldSize, worker, workers);
                continue;
              }
              ShardStream.Item item = items.next();
              int i = index.indexOf(item.shard(), item.member(), item.key());
              if (i < 0) {
                continue; // skipped when the index was opened (told then)
              }
              Sample s;
              try {
                s = ImageFiles.decodeTransformed(item.image(), index.describe(i), item.key() + "." + item.extension(),
                    index.channels(), index.label(i), transform, Seeds.sampleRandom(seed, epoch, i, 0));
              } catch (IOException e) {
                skipsByEpoch.computeIfAbsent(epoch, k -> new AtomicLong()).incrementAndGet();
                if (skipped.putIfAbsent(i, index.describe(i)) == null) {
                  onSkip.accept(SkipMessages.line(index.describe(i), e));
                }
                if (++unreadable > MAX_UNREADABLE_IN_A_ROW) {
                  throw new DataLoadingException("no readable image among " + unreadable + " consecutive samples "
                      + "of rank " + rank + " worker " + worker + "; last error: " + e.getMessage(), e);
                }
                continue;
              }
              unreadable = 0;
              anyInPass = true;
              if (shape == null) {
                shape = new int[] {s.channels(), s.height(), s.width()};
                data = UninitializedMemory.allocate(arena, (long) batchSize * s.chw().length * Float.BYTES);
              } else if (s.channels() != shape[0] || s.height() != shape[1] || s.width() != shape[2]) {
                throw new IllegalArgumentException(index.describe(i) + " came out of the transform as ["
                    + s.channels() + ", " + s.height() + ", " + s.width() + "], the batch's first as ["
                    + shape[0] + ", " + shape[1] + ", " + shape[2] + "]");
              }
              MemorySegment.copy(s.chw(), 0, data, ValueLayout.JAVA_FLOAT, (long) n * s.chw().length * Float.BYTES,
                  s.chw().length); // the offset is in bytes
              labels[n] = s.label();
              indices[n] = i;
              n++;
            }
            batch = new Batch(epoch, (int) b, arena, data, new long[] {batchSize, shape[0], shape[1], shape[2]},
                labels, indices);
            out.put(batch);
            handedOver = true;
          } finally {
            if (!handedOver) {
              if (batch != null) {
                batch.close();
              } else {
                arena.close();
              }
            }
          }
        }
      } catch (InterruptedException e) {
        // closed
      } catch (RuntimeException | Error e) {
        if (!closed) {
          out.offer(e);
        }
      }
    }
  }
}

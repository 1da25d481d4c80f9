package io.github.mae4j.torch.data;

import io.github.mae4j.torch.internal.UninitializedMemory;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns an {@link ImageDataset} into epochs of {@link Batch}es: a deterministic shuffle per (seed, epoch), samples
 * read and transformed by a pool of worker threads, batches prefetched a bounded number ahead.
 *
 * <p>Determinism: the order of epoch e is a Fisher–Yates shuffle from (seed, e); sample i's transform draws from
 * a generator seeded by (seed, e, i). A batch is therefore the same for any number of workers.
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.builder(dataset).batchSize(64).workers(2).seed(0)
 *         .transform(PretrainTransform.randomResizedCrop(224).hflip().normalize(Normalization.imagenet()))
 *         .dropLast(true).build()) {
 *   for (int epoch = 0; epoch < epochs; epoch++) {
 *     try (EpochIterator it = loader.epoch(epoch)) {
 *       while (it.hasNext()) {
 *         try (Batch b = it.next()) { Tensor x = b.images(); ... }
 *       }
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Unreadable images are skipped with a one-line message ({@link Builder#onSkip}), counted
 * ({@link #skippedCount()}, {@link #skippedIn(int)}) and replaced by the next sample in the epoch's order. {@link #close()} stops the workers and frees batches still queued.
 */
public final class DataLoader implements AutoCloseable {
  private static final AtomicInteger LOADERS = new AtomicInteger();

  private final ImageDataset dataset;
  private final int batchSize;
  private final int workers;
  private final long seed;
  private final boolean dropLast;
  private final EpochOrder order;
  private final int prefetch;
  private final BatchAssembler assembler;
  private final ExecutorService pool;
  private final java.util.Queue<Thread> threads = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Set<EpochIterator> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private DataLoader(Builder b) {
    this.dataset = b.dataset;
    this.batchSize = b.batchSize;
    this.workers = b.workers;
    this.seed = b.seed;
    this.dropLast = b.dropLast;
    this.order = new EpochOrder(b.dataset.size(), b.shuffle, b.seed, b.rank, b.worldSize);
    this.prefetch = Math.max(b.prefetch, b.workers);
    this.assembler = new BatchAssembler(dataset, b.transform, seed, b.maxAttempts, b.skipLog);
    String prefix = "mae4j-data-" + LOADERS.incrementAndGet() + "-";
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      threads.add(t);
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(workers, factory);
  }

  /** Starts configuring a loader over {@code dataset}. */
  public static Builder builder(ImageDataset dataset) {
    return new Builder(dataset);
  }

  /**
   * The batches of one epoch, produced in the background from now on. Close it (try-with-resources) when
   * stopping early, to free the batches already prefetched.
   *
   * @throws IllegalArgumentException when epoch is negative
   * @throws IllegalStateException after {@link #close()}
   */
  public EpochIterator epoch(int epoch) {
    return epoch(epoch, 0);
  }

  /**
   * The batches of one epoch from batch {@code startBatch} on (to resume mid-epoch: the batches are those an
   * uninterrupted epoch would give from there).
   *
   * @throws IllegalArgumentException when epoch is negative or startBatch outside [0, batchesPerEpoch]
   * @throws IllegalStateException after {@link #close()}
   */
  public EpochIterator epoch(int epoch, int startBatch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    if (startBatch < 0 || startBatch > batchesPerEpoch()) {
      throw new IllegalArgumentException(
          "startBatch must be in [0, " + batchesPerEpoch() + "], got " + startBatch);
    }
    if (closed) {
      throw new IllegalStateException("data loader is closed");
    }
    EpochIterator it = new EpochIterator(this, epoch, order(epoch), startBatch);
    open.add(it);
    return it;
  }

  /**
   * The dataset indices this loader batches in epoch {@code epoch}, in order (before any skip): the seeded
   * shuffle of the whole dataset, then this process's shard when {@link Builder#shard} was set.
   */
  public int[] order(int epoch) {
    return order.of(epoch);
  }

  /** Batches per epoch: {@code samples / batchSize}, rounded down with dropLast, up without (samples of the shard). */
  public int batchesPerEpoch() {
    int n = order.shardSize();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /** Distinct images found unreadable so far (each is warned about once). */
  public int skippedCount() {
    return assembler.skippedCount();
  }

  /**
   * Positions of epoch {@code epoch} filled by a replacement because their image was unreadable (an image skipped in
   * several epochs counts in each; its one-line message is printed only the first time).
   */
  public long skippedIn(int epoch) {
    return assembler.skippedIn(epoch);
  }

  /** Paths (or descriptions) of the images found unreadable so far, sorted. */
  public List<String> skipped() {
    return assembler.skippedDescriptions();
  }

  public ImageDataset dataset() {
    return dataset;
  }

  public int batchSize() {
    return batchSize;
  }

  public int workers() {
    return workers;
  }

  public long seed() {
    return seed;
  }

  /** Batches made ahead of the consumer (at least the worker count). */
  public int prefetch() {
    return prefetch;
  }

  public boolean dropLast() {
    return dropLast;
  }

  BatchAssembler assembler() {
    return assembler;
  }

  ExecutorService pool() {
    return pool;
  }

  void forget(EpochIterator it) {
    open.remove(it);
  }

  /** Stops the workers (waiting up to 10 s for them to finish the sample at hand) and frees queued batches. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (EpochIterator it : List.copyOf(open)) {
      it.close();
    }
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        System.getLogger(DataLoader.class.getName()).log(System.Logger.Level.WARNING,
            "data loader workers did not stop within 10 s");
      }
      // a terminated pool's last worker may still be leaving its run(): wait until every thread has ended
      for (Thread t : threads) {
        if (t != Thread.currentThread()) {
          t.join(10_000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    UninitializedMemory.releaseKept(); // batch blocks kept for reuse: none is needed once the loader is closed
  }

  /** Configures a {@link DataLoader}. */
  public static final class Builder {
    private final ImageDataset dataset;
    private int batchSize = 64;
    private int workers = 2;
    private long seed;
    private boolean dropLast;
    private boolean shuffle = true;
    private int prefetch = 2;
    private int maxAttempts = 32;
    private int rank;
    private int worldSize = 1;
    private Transform transform = Transform.identity();
    private java.util.function.Consumer<String> skipLog = System.err::println;

    private Builder(ImageDataset dataset) {
      this.dataset = dataset;
    }

    /** Images per batch (default 64). */
    public Builder batchSize(int v) {
      batchSize = positive("batchSize", v);
      return this;
    }

    /** Worker threads (default 2). */
    public Builder workers(int v) {
      workers = positive("workers", v);
      return this;
    }

    /** Seed of the shuffle and of every augmentation (default 0). */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Drop the last incomplete batch (default false; MAE pretraining uses true). */
    public Builder dropLast(boolean v) {
      dropLast = v;
      return this;
    }

    /** Shuffle each epoch (default true); false keeps dataset order. */
    public Builder shuffle(boolean v) {
      shuffle = v;
      return this;
    }

    /**
     * Visit only this process's share of each epoch (distributed training): every process shuffles the same
     * way, then rank r takes positions r, r + worldSize, … (as torch's DistributedSampler). Default (0, 1).
     */
    public Builder shard(int rank, int worldSize) {
      new EpochOrder(1, false, 0, rank, worldSize); // validates
      this.rank = rank;
      this.worldSize = worldSize;
      return this;
    }

    /** Batches made ahead of the consumer (default 2; raised to the worker count). */
    public Builder prefetch(int v) {
      prefetch = positive("prefetch", v);
      return this;
    }

    /** How many consecutive samples to try when images are unreadable before failing (default 32). */
    public Builder maxAttempts(int v) {
      maxAttempts = positive("maxAttempts", v);
      return this;
    }

    /**
     * Where the one line about each unreadable image goes, the first time it is skipped (default: standard error).
     */
    public Builder onSkip(java.util.function.Consumer<String> v) {
      skipLog = java.util.Objects.requireNonNull(v, "onSkip");
      return this;
    }

    /** The per-sample transform (default identity: then all images must have the same size). */
    public Builder transform(Transform v) {
      transform = v;
      return this;
    }

    /**
     * Builds the loader and starts its worker pool.
     *
     * @throws IllegalArgumentException when the dataset is empty, or dropLast leaves no batch
     */
    public DataLoader build() {
      if (dataset.size() < 1) {
        throw new IllegalArgumentException("dataset " + dataset + " is empty");
      }
      Normalization n = switch (transform) {
        case PretrainTransform p -> p.normalization();
        case EvalTransform e -> e.normalization();
        case Normalization plain -> plain;
        default -> Normalization.none();
      };
      n.checkChannels(dataset.channels()); // before any work starts
      int perShard = (dataset.size() + worldSize - 1) / worldSize;
      if (dropLast && perShard < batchSize) {
        throw new IllegalArgumentException("dataset has " + perShard + " images" + (worldSize > 1 ? " per shard" : "")
            + ", fewer than batchSize " + batchSize + ": with dropLast an epoch would have no batch");
      }
      return new DataLoader(this);
    }

    private static int positive(String name, int v) {
      if (v < 1) {
        throw new IllegalArgumentException(name + " must be >= 1, got " + v);
      }
      return v;
    }
  }
}

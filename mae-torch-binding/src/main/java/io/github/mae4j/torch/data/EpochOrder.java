package io.github.mae4j.torch.data;

import java.util.SplittableRandom;

/**
 * The order in which one process visits the dataset in an epoch: a Fisher–Yates shuffle of all indices seeded by
 * (seed, epoch) — the same in every process — then this process's shard, as torch's {@code DistributedSampler}
 * takes it: the order is padded by wrapping around to a multiple of the world size, and rank r takes positions
 * r, r + world, r + 2·world, …
 *
 * @param size dataset size
 * @param shuffle false keeps dataset order
 * @param seed shuffle seed
 * @param rank this process's rank in [0, worldSize)
 * @param worldSize number of processes sharing the epoch
 */
record EpochOrder(int size, boolean shuffle, long seed, int rank, int worldSize) {
  EpochOrder {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException("shard needs 0 <= rank < worldSize, got rank " + rank + ", worldSize "
          + worldSize);
    }
  }

  /** Samples this shard visits per epoch: ceil(size / worldSize). */
  int shardSize() {
    return (size + worldSize - 1) / worldSize;
  }

  /** Dataset indices of this shard in epoch {@code epoch}, in visiting order. */
  int[] of(int epoch) {
    int[] all = full(epoch);
    int[] shard = new int[shardSize()];
    for (int i = 0; i < shard.length; i++) {
      shard[i] = all[(rank + i * worldSize) % size];
    }
    return shard;
  }

  /** All dataset indices in epoch {@code epoch}'s order (before sharding). */
  int[] full(int epoch) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 0x5EED0F5L, epoch));
      for (int i = size - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }
}

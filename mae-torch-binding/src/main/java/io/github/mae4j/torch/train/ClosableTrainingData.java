package io.github.mae4j.torch.train;

/**
 * Training data that hold resources (loader threads, prefetched batches): {@link PretrainData#open} returns one,
 * a {@link LoaderData} (any indexed source) or a {@link ShardStreamData} (tar shards, read sequentially).
 */
public interface ClosableTrainingData extends TrainingData, AutoCloseable {
  /** Stops the loading threads and frees what they made; closing twice is harmless. */
  @Override
  void close();
}

package io.github.mae4j.torch.train;

import io.github.mae4j.torch.data.ShardLoader;

/**
 * Tar shards read sequentially ({@link ShardLoader}) as the trainer's {@link TrainingData}. Resuming inside an
 * epoch makes and drops the batches before the resume point, so the batches after it are those of an uninterrupted
 * run with the same number of workers and processes. Closing closes the loader.
 */
public final class ShardStreamData implements ClosableTrainingData {
  private final ShardLoader loader;

  public ShardStreamData(ShardLoader loader) {
    this.loader = loader;
  }

  public ShardLoader loader() {
    return loader;
  }

  @Override
  public long batchesPerEpoch() {
    return loader.batchesPerEpoch();
  }

  @Override
  public int batchSize() {
    return loader.batchSize();
  }

  @Override
  public long skippedFiles() {
    return loader.skippedCount();
  }

  @Override
  public long skippedIn(int epoch) {
    return loader.skippedIn(epoch);
  }

  @Override
  public Epoch epoch(int epoch, long firstBatch) {
    var it = loader.epoch(epoch);
    return new BatchEpoch(it, it::close, firstBatch, Long.MAX_VALUE);
  }

  @Override
  public void close() {
    loader.close();
  }
}

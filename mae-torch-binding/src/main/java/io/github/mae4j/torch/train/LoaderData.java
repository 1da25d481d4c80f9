package io.github.mae4j.torch.train;

import io.github.mae4j.torch.data.DataLoader;

/**
 * A {@link DataLoader} as the trainer's {@link TrainingData}, optionally capped at {@code maxBatches} per epoch
 * (a recipe's {@code imagesPerEpoch}). Resuming inside an epoch reads and drops the batches before the resume
 * point (the loader has no random access by batch), so the batches after it are exactly those of an
 * uninterrupted run. Closing closes the loader.
 */
public final class LoaderData implements ClosableTrainingData {
  private final DataLoader loader;
  private final long batches;

  /**
   * @param maxBatches batches per epoch at most (0: all of the loader's)
   */
  public LoaderData(DataLoader loader, long maxBatches) {
    this.loader = loader;
    long all = loader.batchesPerEpoch();
    this.batches = maxBatches > 0 ? Math.min(all, maxBatches) : all;
  }

  public DataLoader loader() {
    return loader;
  }

  @Override
  public long batchesPerEpoch() {
    return batches;
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
    return new BatchEpoch(it, it::close, firstBatch, batches);
  }

  @Override
  public void close() {
    loader.close();
  }
}

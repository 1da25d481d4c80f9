package io.github.mae4j.torch.train;

import io.github.mae4j.torch.data.Batch;
import io.github.mae4j.torch.data.DataLoader;
import io.github.mae4j.torch.data.EpochIterator;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

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
    EpochIterator it = loader.epoch(epoch);
    for (long i = 0; i < firstBatch && it.hasNext(); i++) {
      it.next().close();
    }
    return new Epoch() {
      long next = firstBatch;
      @Nullable Batch current;

      @Override
      public @Nullable Tensor next() {
        closeCurrent();
        if (next >= batches || !it.hasNext()) {
          return null;
        }
        next++;
        current = it.next();
        return current.images();
      }

      @Override
      public int[] indices() {
        if (current == null) {
          throw new IllegalStateException("no batch was read yet");
        }
        return current.indices();
      }

      private void closeCurrent() {
        if (current != null) {
          current.close();
          current = null;
        }
      }

      @Override
      public void close() {
        closeCurrent();
        it.close();
      }
    };
  }

  @Override
  public void close() {
    loader.close();
  }
}

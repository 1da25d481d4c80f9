package io.github.mae4j.torch.train;

import io.github.mae4j.torch.data.Batch;
import io.github.mae4j.torch.data.ShardLoader;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

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
    ShardLoader.Epoch it = loader.epoch(epoch);
    for (long i = 0; i < firstBatch && it.hasNext(); i++) {
      it.next().close();
    }
    return new Epoch() {
      @Nullable Batch current;

      @Override
      public @Nullable Tensor next() {
        closeCurrent();
        if (!it.hasNext()) {
          return null;
        }
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

package io.github.mae4j.torch.train;

import io.github.mae4j.torch.data.Batch;
import java.util.Iterator;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A loader's epoch of {@link Batch}es as a {@link TrainingData.Epoch}: each batch is closed when the next is asked
 * for or the epoch is closed. Resuming at {@code firstBatch} reads and drops the batches before it (loaders have no
 * random access by batch), so the batches after it are those of an uninterrupted run.
 */
final class BatchEpoch implements TrainingData.Epoch {
  private final Iterator<Batch> it;
  private final Runnable closeLoaderEpoch;
  private final long end;
  private long next;
  private @Nullable Batch current;

  /**
   * @param closeLoaderEpoch closes the loader's epoch (its worker threads)
   * @param end the batch index at which the epoch ends at the latest (the loader may end earlier)
   */
  BatchEpoch(Iterator<Batch> it, Runnable closeLoaderEpoch, long firstBatch, long end) {
    this.it = it;
    this.closeLoaderEpoch = closeLoaderEpoch;
    this.end = end;
    for (long i = 0; i < firstBatch && it.hasNext(); i++) {
      it.next().close();
    }
    this.next = firstBatch;
  }

  @Override
  public @Nullable Tensor next() {
    closeCurrent();
    if (next >= end || !it.hasNext()) {
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
    closeLoaderEpoch.run();
  }
}

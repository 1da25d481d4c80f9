package io.github.mae4j.torch.train;

import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * The batches the {@link Trainer} reads. An epoch's batches must depend only on (seed, epoch, batch index), so
 * that a resumed run sees exactly the batches an uninterrupted one would have seen.
 */
public interface TrainingData {

  /** Batches in one epoch (the last incomplete batch is dropped, as in MAE pretraining). */
  long batchesPerEpoch();

  /** Images per batch. */
  int batchSize();

  /** The batches of {@code epoch} starting at batch index {@code firstBatch}. */
  Epoch epoch(int epoch, long firstBatch);

  /** Files skipped so far because they could not be read (0 for data that cannot fail). */
  default long skippedFiles() {
    return 0;
  }

  /** Sample positions of {@code epoch} whose image was unreadable and replaced (0 for data that cannot fail). */
  default long skippedIn(int epoch) {
    return 0;
  }

  /** One pass over an epoch. */
  interface Epoch extends AutoCloseable {
    /**
     * The next batch {@code images [N, C, H, W]} (float32 on the CPU), or null at the end of the epoch. The tensor
     * may be released when the caller's {@link org.bytedeco.javacpp.PointerScope} closes.
     */
    @Nullable Tensor next();

    /**
     * The dataset indices of the images {@link #next()} returned last, in batch order (a distributed run derives
     * each image's mask from its index).
     *
     * @throws UnsupportedOperationException when this data does not know them (the default)
     */
    default int[] indices() {
      throw new UnsupportedOperationException(getClass().getName() + " does not report dataset indices");
    }

    @Override
    void close();
  }
}

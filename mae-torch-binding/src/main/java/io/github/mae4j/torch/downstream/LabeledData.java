package io.github.mae4j.torch.downstream;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A labelled image set the downstream runs read batch by batch: held in memory ({@link LabeledImages}) or read from
 * disk on demand ({@link StreamedImages}), so that memory is bounded by a batch, not by the data set.
 */
public interface LabeledData {
  /** Number of samples. */
  long size();

  /**
   * Every sample's label [N] int64, known without reading any image; data read from disk leave out the samples
   * found unreadable so far (see {@link StreamedImages#labels()}).
   */
  Tensor labels();

  /**
   * The samples at {@code idx} [B] (int64): images [B', C, H, W] and labels [B'], new tensors owned by the caller's
   * scope; B' &lt; B when data read from disk skipped unreadable images, each together with its label.
   *
   * @throws IllegalArgumentException when no image of the batch nor any before it could be read
   */
  LabeledImages gather(Tensor idx);

  /**
   * A hint that {@link #gather gather(idx)} comes next: data read from disk may start reading it in the background.
   * In-memory data ignore it.
   */
  default void prefetch(Tensor idx) {}

  /** Number of distinct images skipped as unreadable so far (0 for data held in memory). */
  default int skippedCount() {
    return 0;
  }

  /**
   * The line a run prints at its end when images were skipped, e.g. {@code "skipped 2 unreadable images for
   * training and 1 for evaluation"}; empty when none were.
   */
  static java.util.Optional<String> skipSummary(LabeledData train, LabeledData test) {
    int a = train.skippedCount();
    int b = test.skippedCount();
    return a + b == 0 ? java.util.Optional.empty() : java.util.Optional.of("skipped " + a + " unreadable image"
        + (a == 1 ? "" : "s") + " for training and " + b + " for evaluation");
  }

  /** As {@link #prefetch}, for {@link #range range(start, length)}. */
  default void prefetchRange(long start, long length) {}

  /** Samples {@code [start, start + length)}, as {@link #gather}. */
  default LabeledImages range(long start, long length) {
    return gather(torch.arange(new org.bytedeco.pytorch.Scalar(start),
        new org.bytedeco.pytorch.Scalar(start + length), new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long)));
  }
}

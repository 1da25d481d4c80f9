package io.github.mae4j.torch.downstream;

import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * An in-memory labelled image set, already normalized: images [N, C, H, W] float32, labels [N] int64. The
 * constructor throws {@link IllegalArgumentException} when the shapes disagree.
 */
public record LabeledImages(Tensor images, Tensor labels) implements LabeledData {
  public LabeledImages {
    if (images.dim() != 4 || labels.dim() != 1 || images.size(0) != labels.size(0)) {
      throw new IllegalArgumentException("need images [N, C, H, W] and labels [N], got "
          + Tensors.shape(images) + " and " + Tensors.shape(labels));
    }
  }

  /** Number of samples. */
  @Override
  public long size() {
    return images.size(0);
  }

  /** Rows {@code idx} [B] of the images and labels (copies). */
  @Override
  public LabeledImages gather(Tensor idx) {
    return new LabeledImages(images.index_select(0, idx), labels.index_select(0, idx));
  }

  /** Rows {@code [start, start + length)} (views). */
  @Override
  public LabeledImages range(long start, long length) {
    return new LabeledImages(images.narrow(0, start, length), labels.narrow(0, start, length));
  }

  /** The first {@code n} samples (a view). */
  public LabeledImages head(long n) {
    long m = Math.min(n, size());
    return new LabeledImages(images.narrow(0, 0, m), labels.narrow(0, 0, m));
  }
}

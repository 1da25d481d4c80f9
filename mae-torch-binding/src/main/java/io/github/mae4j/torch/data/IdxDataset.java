package io.github.mae4j.torch.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * Images from an IDX file of shape {@code [N, H, W]} (MNIST / Fashion-MNIST), with optional labels from an IDX
 * file of shape {@code [N]}. Held in memory (Fashion-MNIST train: 47 MB). Values are {@code byte / 255}; a
 * 3-channel view replicates the gray value.
 */
public final class IdxDataset implements ImageDataset {
  private final IdxFile images;
  private final @Nullable IdxFile labelFile;
  private final int channels;
  private final int height;
  private final int width;
  private final List<String> classes;

  private IdxDataset(IdxFile images, @Nullable IdxFile labels, int channels, List<String> classNames) {
    if (images.dims().length != 3) {
      throw new IllegalArgumentException("IDX images must have 3 dimensions [N, H, W], got "
          + images.dims().length + " in " + images.path());
    }
    if (images.count() == 0) {
      throw new IllegalArgumentException("IDX image file holds no images: " + images.path());
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (labels != null && (labels.dims().length != 1 || labels.count() != images.count())) {
      throw new IllegalArgumentException("IDX labels " + labels.path() + " must have shape [" + images.count()
          + "] to match " + images.path() + ", got " + java.util.Arrays.toString(labels.dims()));
    }
    this.images = images;
    this.labelFile = labels;
    this.channels = channels;
    this.height = images.dims()[1];
    this.width = images.dims()[2];
    if (labels == null) {
      this.classes = List.of();
    } else if (!classNames.isEmpty()) {
      this.classes = List.copyOf(classNames);
    } else {
      int max = IntStream.range(0, labels.count()).map(labels::unsigned).max().orElse(-1);
      this.classes = IntStream.rangeClosed(0, max).mapToObj(Integer::toString).toList();
    }
  }

  /** Opens images and labels, 1 channel. */
  public static IdxDataset open(Path images, Path labels) throws IOException {
    return open(images, labels, 1);
  }

  /** Opens images and labels as {@code channels} (1 or 3) channels. */
  public static IdxDataset open(Path images, @Nullable Path labels, int channels) throws IOException {
    return open(images, labels, channels, List.of());
  }

  /** Opens unlabeled images, 1 channel. */
  public static IdxDataset openImages(Path images) throws IOException {
    return open(images, null, 1);
  }

  static IdxDataset open(Path images, @Nullable Path labels, int channels, List<String> classNames)
      throws IOException {
    IdxFile img = IdxFile.read(images);
    IdxFile lab = labels == null ? null : IdxFile.read(labels);
    return new IdxDataset(img, lab, channels, classNames);
  }

  @Override
  public int size() {
    return images.count();
  }

  @Override
  public int channels() {
    return channels;
  }

  /** Image height (all images share it). */
  public int height() {
    return height;
  }

  /** Image width. */
  public int width() {
    return width;
  }

  @Override
  public List<String> classes() {
    return classes;
  }

  @Override
  public Optional<int[]> labels() {
    IdxFile l = labelFile;
    return l == null ? Optional.empty() : Optional.of(IntStream.range(0, l.count()).map(l::unsigned).toArray());
  }

  /** The label of image {@code index}, or -1 without labels. */
  public int label(int index) {
    Objects.checkIndex(index, size());
    IdxFile l = labelFile;
    return l == null ? -1 : l.unsigned(index);
  }

  @Override
  public Sample read(int index) {
    Objects.checkIndex(index, size());
    int plane = height * width;
    float[] chw = new float[channels * plane];
    byte[] data = images.data();
    int base = index * plane;
    for (int i = 0; i < plane; i++) {
      chw[i] = (data[base + i] & 0xFF) / 255f;
    }
    for (int c = 1; c < channels; c++) {
      System.arraycopy(chw, 0, chw, c * plane, plane);
    }
    return new Sample(chw, channels, height, width, label(index));
  }

  @Override
  public String describe(int index) {
    return images.path() + "#" + index;
  }
}

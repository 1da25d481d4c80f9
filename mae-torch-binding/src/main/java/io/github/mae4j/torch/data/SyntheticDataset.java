package io.github.mae4j.torch.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Procedural images (shapes and textures with random colors, positions and angles) rendered on demand: the
 * built-in dataset, so pretraining runs without a download. Image {@code i} depends only on (seed, i, size,
 * imageSize, channels): the same seed gives the same pixels on any machine and thread.
 *
 * <p>The label is the {@link Shape} ordinal (6 classes, drawn uniformly per image), useful for k-NN probes.
 * Gray images (1 channel) are the BT.601 luma of the RGB rendering.
 */
public final class SyntheticDataset implements ImageDataset {
  /** What an image shows; its ordinal is the label. */
  public enum Shape {
    CIRCLE, RECTANGLE, TRIANGLE, STRIPES, CHECKERBOARD, GRADIENT
  }

  private static final List<String> CLASSES =
      Arrays.stream(Shape.values()).map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).toList();

  private final int size;
  private final int imageSize;
  private final int channels;
  private final long seed;

  private SyntheticDataset(int size, int imageSize, int channels, long seed) {
    this.size = size;
    this.imageSize = imageSize;
    this.channels = channels;
    this.seed = seed;
  }

  /**
   * A dataset of {@code size} square images of {@code imageSize} pixels.
   *
   * @throws IllegalArgumentException when size {@literal <} 1, imageSize {@literal <} 8 or channels is not 1 or 3
   */
  public static SyntheticDataset of(int size, int imageSize, int channels, long seed) {
    if (size < 1) {
      throw new IllegalArgumentException("synthetic dataset size must be >= 1, got " + size);
    }
    if (imageSize < 8) {
      throw new IllegalArgumentException("synthetic imageSize must be >= 8 pixels, got " + imageSize);
    }
    ChannelConversion.checkChannels(channels);
    return new SyntheticDataset(size, imageSize, channels, seed);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int channels() {
    return channels;
  }

  /** Side length of every image. */
  public int imageSize() {
    return imageSize;
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  @Override
  public List<String> classes() {
    return CLASSES;
  }

  @Override
  public Optional<int[]> labels() {
    int[] labels = new int[size];
    for (int i = 0; i < size; i++) {
      labels[i] = shapeOf(i).ordinal();
    }
    return Optional.of(labels);
  }

  /** The shape of image {@code index} (without rendering it). */
  public Shape shapeOf(int index) {
    return Shape.values()[random(index).nextInt(Shape.values().length)];
  }

  @Override
  public Sample read(int index) {
    Objects.checkIndex(index, size);
    SplittableRandom rng = random(index);
    Shape shape = Shape.values()[rng.nextInt(Shape.values().length)];
    float[] rgb = new ShapePainter(imageSize, rng).paint(shape);
    float[] chw = ChannelConversion.convert(rgb, 3, channels, imageSize * imageSize);
    return new Sample(chw, channels, imageSize, imageSize, shape.ordinal());
  }

  @Override
  public String describe(int index) {
    return "synthetic(seed " + seed + ")#" + index;
  }

  private SplittableRandom random(int index) {
    return new SplittableRandom(Seeds.mix(seed, 0x5A17E71CL, index));
  }
}

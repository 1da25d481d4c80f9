package io.github.mae4j.torch.data;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A random-access collection of images, each read on demand as a {@link Sample} in [0, 1].
 *
 * <p>Implementations are safe to {@link #read} from several threads at once (the loader's workers do).
 */
public interface ImageDataset {
  /** Number of images. */
  int size();

  /** Channels of every sample read (1 or 3). */
  int channels();

  /** Class names in label order; empty when the dataset has no labels. */
  List<String> classes();

  /**
   * Every image's label without decoding, when the dataset knows them cheaply (index → label, -1 unlabeled).
   * Empty when it does not (then read the samples).
   */
  Optional<int[]> labels();

  /**
   * Reads image {@code index}.
   *
   * @throws IOException when the image is corrupt, truncated or unreadable (the loader skips it)
   * @throws IndexOutOfBoundsException when index is outside [0, size)
   */
  Sample read(int index) throws IOException;

  /**
   * Reads image {@code index} for a transform that first resizes its shorter side to {@code shortSide} (an
   * evaluation resize): a JPEG may be decoded at ½, ¼ or ⅛ of its size by DCT scaling when its shorter side stays at
   * least twice {@code shortSide} (the rule of {@code ImageDecoder.reductionFor}, PIL's {@code reducing_gap = 2}),
   * which is much faster for large photos and changes the resized result by little. The default reads in full.
   *
   * @throws IOException as {@link #read(int)}
   */
  default Sample readForResize(int index, int shortSide) throws IOException {
    return read(index);
  }

  /**
   * Reads image {@code index} and applies {@code transform} with {@code rng}: {@code transform.apply(read(index),
   * rng)}, or {@link #readForResize} for an {@link EvalTransform}. Datasets of image files override it so that a
   * JPEG reaches a {@link PretrainTransform} or an {@link EvalTransform} as decoded 8-bit pixels, which it crops
   * before converting to floats (the same values, about twice as fast per photo).
   *
   * @throws IOException as {@link #read(int)}
   * @throws IllegalArgumentException when the image is read with another channel count than {@link #channels()}
   */
  default Sample readTransformed(int index, Transform transform, RandomGenerator rng) throws IOException {
    Sample raw = transform instanceof EvalTransform e ? readForResize(index, e.resize()) : read(index);
    if (raw.channels() != channels()) {
      throw new IllegalArgumentException(describe(index) + " was read with " + raw.channels()
          + " channels, the dataset declares " + channels());
    }
    return transform.apply(raw, rng);
  }

  /** Where image {@code index} comes from, for warnings (a path, or "name#index"). */
  default String describe(int index) {
    return getClass().getSimpleName() + "#" + index;
  }
}

package io.github.mae4j.torch.data;

/**
 * One image as planar float values, channel-major: {@code chw[c·H·W + y·W + x]}.
 *
 * <p>Datasets return values in [0, 1] (8-bit value / 255); transforms may move them anywhere (normalization,
 * bicubic overshoot). {@code label} is the class index, or {@code -1} when the dataset has no labels.
 *
 * @param chw pixel values [C, H, W], owned by this sample (transforms may return a new array)
 * @param channels C
 * @param height H
 * @param width W
 * @param label class index or -1
 */
public record Sample(float[] chw, int channels, int height, int width, int label) {
  public Sample {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "sample shape must be positive, got [" + channels + ", " + height + ", " + width + "]");
    }
    if ((long) channels * height * width != chw.length) {
      throw new IllegalArgumentException("sample of shape [" + channels + ", " + height + ", " + width
          + "] needs " + (long) channels * height * width + " values, got " + chw.length);
    }
  }

  /** The value at channel {@code c}, row {@code y}, column {@code x}. */
  public float at(int c, int y, int x) {
    return chw[(c * height + y) * width + x];
  }

  /** A sample of the same label with new pixel values. */
  public Sample withPixels(float[] newChw, int newChannels, int newHeight, int newWidth) {
    return new Sample(newChw, newChannels, newHeight, newWidth, label);
  }

  @Override
  public String toString() {
    return "Sample[" + channels + ", " + height + ", " + width + "] label " + label;
  }
}

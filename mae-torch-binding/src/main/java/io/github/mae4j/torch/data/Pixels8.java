package io.github.mae4j.torch.data;

import java.lang.foreign.MemorySegment;

/**
 * A decoded 8-bit image still in the decoder's native memory: rows of {@code width} pixels, each pixel
 * {@code channels} bytes (1: gray; 3: blue, green, red, OpenCV's order), row {@code y} starting at byte
 * {@code y · stride}. Valid only while the decoder's callback runs ({@link OpenCvJpeg#decodeWith}).
 *
 * @param data the pixel bytes
 * @param height rows
 * @param width pixels per row
 * @param channels 1 (gray) or 3 (BGR)
 * @param stride bytes from one row to the next
 */
record Pixels8(MemorySegment data, int height, int width, int channels, long stride) {
  Pixels8 {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("8-bit pixels have 1 (gray) or 3 (BGR) channels, got " + channels);
    }
    if (height < 1 || width < 1 || stride < (long) width * channels
        || data.byteSize() < (height - 1) * stride + (long) width * channels) {
      throw new IllegalArgumentException("pixel buffer of " + data.byteSize() + " bytes does not hold " + height
          + " rows of " + width + "×" + channels + " bytes at a stride of " + stride);
    }
  }
}

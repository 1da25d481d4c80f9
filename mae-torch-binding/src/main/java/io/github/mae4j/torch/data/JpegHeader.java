package io.github.mae4j.torch.data;

import java.util.Optional;

/**
 * What a JPEG's markers say before any pixel is decoded: the frame's size, precision and components, whether an
 * ICC profile or an Adobe marker is present, and whether the file ends with the end-of-image marker. Read from the
 * bytes up to the first scan (a few hundred bytes of markers), so the pixel-limit guard and the choice of decoder
 * cost nothing next to decoding.
 *
 * @param process the start-of-frame marker's low nibble: 0 baseline, 1 extended, 2 progressive (Huffman coded);
 *     others are lossless, hierarchical or arithmetic coded
 * @param precision bits per sample (8 or 12 in practice)
 * @param width pixels per line
 * @param height lines (0 when a DNL marker gives it later)
 * @param components 1 (gray), 3 (YCbCr or RGB) or 4 (CMYK / YCCK)
 * @param jfif a JFIF APP0 marker is present (3 components are then YCbCr)
 * @param componentIdsYcc the component ids are 1, 2, 3 (libjpeg's and the JDK's rule for YCbCr without JFIF)
 * @param adobe an Adobe APP14 marker is present (it may say RGB, YCbCr, CMYK or YCCK)
 * @param icc an ICC profile (APP2 {@code ICC_PROFILE}) is present
 * @param sampling the luma's sampling factors as {@code 10 × H + V} ({@code 22}: 4:2:0, {@code 21}: 4:2:2,
 *     {@code 11}: 4:4:4), or 0 when a chroma component is not sampled 1×1
 * @param endsWithEoi the last two bytes are the end-of-image marker {@code FF D9}; a truncated file never does
 *     (inside entropy-coded data every {@code FF} byte is followed by {@code 00} or a restart marker)
 */
record JpegHeader(int process, int precision, int width, int height, int components, boolean jfif,
    boolean componentIdsYcc, boolean adobe, boolean icc, int sampling, boolean endsWithEoi) {

  /** True when the first two bytes are a JPEG's start-of-image marker {@code FF D8}. */
  static boolean isJpeg(byte[] b) {
    return b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8;
  }

  /**
   * The header of {@code b}, or empty when it is not a JPEG or its markers end (or break) before a frame header and
   * the first scan: such files are left to the strict javax.imageio path, which says what is wrong with them.
   */
  static Optional<JpegHeader> parse(byte[] b) {
    if (!isJpeg(b)) {
      return Optional.empty();
    }
    int pos = 2;
    boolean jfif = false;
    boolean adobe = false;
    boolean icc = false;
    int process = -1;
    int precision = 0;
    int width = 0;
    int height = 0;
    int components = 0;
    boolean ycc = false;
    int sampling = 0;
    while (pos + 1 < b.length) {
      if ((b[pos] & 0xFF) != 0xFF) {
        return Optional.empty(); // garbage between markers
      }
      while (pos < b.length && (b[pos] & 0xFF) == 0xFF) {
        pos++; // fill bytes
      }
      if (pos >= b.length) {
        return Optional.empty();
      }
      int marker = b[pos++] & 0xFF;
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        continue; // no length
      }
      if (marker == 0xD8 || marker == 0xD9 || pos + 2 > b.length) {
        return Optional.empty();
      }
      int length = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
      if (length < 2 || pos + length > b.length) {
        return Optional.empty();
      }
      int data = pos + 2;
      int n = length - 2;
      if (marker == 0xDA) { // start of scan: the markers before it said all there is to say
        if (process < 0) {
          return Optional.empty();
        }
        boolean eoi = (b[b.length - 2] & 0xFF) == 0xFF && (b[b.length - 1] & 0xFF) == 0xD9;
        return Optional.of(new JpegHeader(process, precision, width, height, components, jfif, ycc, adobe, icc,
            sampling, eoi));
      }
      if (isStartOfFrame(marker)) {
        if (n < 6 || process >= 0) {
          return Optional.empty();
        }
        process = marker & 0x0F;
        precision = b[data] & 0xFF;
        height = ((b[data + 1] & 0xFF) << 8) | (b[data + 2] & 0xFF);
        width = ((b[data + 3] & 0xFF) << 8) | (b[data + 4] & 0xFF);
        components = b[data + 5] & 0xFF;
        if (n < 6 + 3 * components) {
          return Optional.empty();
        }
        ycc = components == 3 && b[data + 6] == 1 && b[data + 9] == 2 && b[data + 12] == 3;
        int luma = b[data + 7] & 0xFF;
        sampling = 10 * (luma >> 4) + (luma & 0x0F);
        for (int c = 1; c < components; c++) {
          if ((b[data + 7 + 3 * c] & 0xFF) != 0x11) {
            sampling = 0;
          }
        }
      } else if (marker == 0xE0 && startsWith(b, data, n, "JFIF\0")) {
        jfif = true;
      } else if (marker == 0xE2 && startsWith(b, data, n, "ICC_PROFILE\0")) {
        icc = true;
      } else if (marker == 0xEE && startsWith(b, data, n, "Adobe")) {
        adobe = true;
      }
      pos += length;
    }
    return Optional.empty();
  }

  /** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  private static boolean startsWith(byte[] b, int from, int n, String ascii) {
    if (n < ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (b[from + i] != (byte) ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when libjpeg-turbo (through OpenCV) decodes this file to exactly the kind of pixels the JDK's reader gives:
   * Huffman-coded (baseline, extended or progressive) 8-bit, gray or YCbCr (JFIF, or component ids 1, 2, 3), no ICC
   * profile (the JDK converts through it) and no Adobe marker (RGB/CMYK/YCCK transforms), chroma subsampled 4:2:0,
   * 4:2:2 or not at all (libjpeg-turbo's other upsamplers, e.g. 4:4:0's, differ from the JDK's libjpeg 6b), complete
   * (ends with EOI), and its size known from the frame header. Everything else takes the javax.imageio path.
   */
  boolean fastPathExact() {
    return process <= 2 && precision == 8 && width > 0 && height > 0 && !icc && !adobe && endsWithEoi
        && (components == 1 || (components == 3 && (jfif || componentIdsYcc)
            && (sampling == 22 || sampling == 21 || sampling == 11)));
  }
}

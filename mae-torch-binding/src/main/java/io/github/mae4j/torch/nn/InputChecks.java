package io.github.mae4j.torch.nn;

import io.github.mae4j.api.MaeConfig;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Boundary checks: wrong input becomes an IllegalArgumentException naming expected and actual, not a native error. */
final class InputChecks {
  private InputChecks() {}

  /** images must be [N, C, S, S] float32 on the model's device, with S = imageSize when {@code exactSize}. */
  static void images(Tensor images, MaeConfig c, boolean exactSize, boolean cudaModel) {
    if (images.isNull() || !images.defined()) {
      throw new IllegalArgumentException("images tensor is undefined");
    }
    String expected = "[N, " + c.getInChannels() + ", " + c.getImageSize() + ", " + c.getImageWidth() + "] float32";
    if (images.dim() != 4) {
      throw new IllegalArgumentException(
          "images must be " + expected + " (rank 4), got rank " + images.dim() + " " + Shapes.of(images));
    }
    if (images.size(0) < 1) {
      throw new IllegalArgumentException("images must hold at least one image, got " + Shapes.of(images));
    }
    if (images.size(1) != c.getInChannels()) {
      throw new IllegalArgumentException(
          "images must have " + c.getInChannels() + " channel(s): expected " + expected + ", got "
              + Shapes.of(images));
    }
    if (exactSize && (images.size(2) != c.getImageSize() || images.size(3) != c.getImageWidth())) {
      throw new IllegalArgumentException(
          "images must be " + c.getImageSize() + "x" + c.getImageWidth() + ": expected " + expected + ", got "
              + Shapes.of(images));
    }
    if (!exactSize && (images.size(2) % c.getPatchSize() != 0 || images.size(3) % c.getPatchSize() != 0)) {
      throw new IllegalArgumentException(
          "image height and width must be multiples of the patch size " + c.getPatchSize() + ", got "
              + Shapes.of(images));
    }
    if (images.scalar_type().intern() != ScalarType.Float) {
      throw new IllegalArgumentException(
          "images must be float32: expected " + expected + ", got " + Shapes.of(images));
    }
    if (images.is_cuda() != cudaModel) {
      throw new IllegalArgumentException(
          "images must be on the model's device (" + (cudaModel ? "cuda" : "cpu") + "), got "
              + images.device().str().getString());
    }
  }

  /** noise must be [N, L] floating point on the model's device. */
  static void noise(Tensor noise, long n, MaeConfig c, boolean cudaModel) {
    String expected = "[" + n + ", " + c.getNumPatches() + "] float32 or float64";
    if (noise.isNull() || !noise.defined()) {
      throw new IllegalArgumentException("noise tensor is undefined: expected " + expected);
    }
    if (noise.dim() != 2 || noise.size(0) != n || noise.size(1) != c.getNumPatches()) {
      throw new IllegalArgumentException("noise must be " + expected + ", got " + Shapes.of(noise));
    }
    ScalarType t = noise.scalar_type().intern();
    if (t != ScalarType.Float && t != ScalarType.Double) {
      throw new IllegalArgumentException("noise must be " + expected + ", got " + Shapes.of(noise));
    }
    if (noise.is_cuda() != cudaModel) {
      throw new IllegalArgumentException(
          "noise must be on the model's device (" + (cudaModel ? "cuda" : "cpu") + "), got "
              + noise.device().str().getString());
    }
  }
}

package io.github.mae4j.torch.train;

import java.util.Locale;

/** The arithmetic of the forward pass. Weights, gradients and optimizer state stay float32 in every mode. */
public enum Precision {
  /** Plain float32. */
  FP32,
  /** bfloat16 autocast (CUDA, or CPUs with bf16 support); no loss scaling needed. */
  BF16,
  /** float16 autocast with a dynamic loss scaler (CUDA only). */
  FP16;

  /**
   * Parses {@code fp32}, {@code bf16}, {@code fp16} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Precision parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("precision must be one of fp32, bf16, fp16, got '" + s + "'");
    }
  }
}

package io.github.mae4j.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What the decoder learns to predict for each removed patch (the paper's Table 1d). Sealed: a later target (HOG
 * features, as MaskFeat) adds a case, and every {@code switch} over the targets then fails to compile until it
 * handles it. Written in JSON and YAML as its {@link #id()}: {@code target: normalized-pixels}.
 */
public sealed interface ReconstructionTarget
    permits ReconstructionTarget.Pixels, ReconstructionTarget.NormalizedPixels {
  /** The raw pixel values of the patch. */
  record Pixels() implements ReconstructionTarget {
    @Override
    public String id() {
      return "pixels";
    }
  }

  /** Each patch normalized by its own mean and variance (the paper's default, {@code norm_pix_loss}). */
  record NormalizedPixels() implements ReconstructionTarget {
    @Override
    public String id() {
      return "normalized-pixels";
    }
  }

  /** Raw pixels. */
  ReconstructionTarget PIXELS = new Pixels();
  /** Per-patch normalized pixels. */
  ReconstructionTarget NORMALIZED_PIXELS = new NormalizedPixels();

  /** The name in JSON and YAML: {@code pixels} or {@code normalized-pixels}. */
  @JsonValue
  String id();

  /**
   * The target named {@code id}.
   *
   * @throws IllegalArgumentException for another name, listing the known ones
   */
  @JsonCreator
  static ReconstructionTarget of(String id) {
    return switch (id) {
      case "pixels" -> PIXELS;
      case "normalized-pixels" -> NORMALIZED_PIXELS;
      default -> throw new IllegalArgumentException(
          "target must be pixels or normalized-pixels, got '" + id + "'");
    };
  }
}

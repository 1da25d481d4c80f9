package io.github.mae4j.api.recipe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.mae4j.api.Checks;
import io.github.mae4j.api.MaeStyle;
import org.immutables.value.Value;

/**
 * Per-channel input normalization {@code x' = (x − mean[c]) / std[c]} on pixels scaled to [0, 1]. A recipe states
 * its statistics explicitly: ImageNet's for natural RGB images, a dataset's own for anything else (grayscale data
 * is never forced through ImageNet's three channels).
 */
@Value.Immutable
@MaeStyle
@JsonSerialize(as = ImmutableNormalization.class)
@JsonDeserialize(as = ImmutableNormalization.class)
public abstract class Normalization {

  /** Per-channel mean, one value per image channel. */
  public abstract double[] getMean();

  /** Per-channel standard deviation, one positive value per image channel. */
  public abstract double[] getStd();

  /** Number of channels the statistics describe. */
  @JsonIgnore
  public int getChannels() {
    return getMean().length;
  }

  @Value.Check
  protected void check() {
    double[] mean = getMean();
    double[] std = getStd();
    if (mean.length == 0) {
      throw new IllegalArgumentException("normalization.mean (empty) must have one value per channel");
    }
    if (mean.length != std.length) {
      throw new IllegalArgumentException(
          "normalization.std (" + std.length + " values) must have as many values as normalization.mean ("
              + mean.length + ")");
    }
    for (int c = 0; c < mean.length; c++) {
      if (!Double.isFinite(mean[c])) {
        throw new IllegalArgumentException("normalization.mean[" + c + "] (" + mean[c] + ") must be finite");
      }
      Checks.positive("normalization.std[" + c + "]", std[c]);
    }
  }

  /** ImageNet's RGB statistics: mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225). */
  public static Normalization imagenet() {
    return of(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
  }

  /** Fashion-MNIST's grayscale statistics over the 60,000 training images: mean 0.2860, std 0.3530. */
  public static Normalization fashionMnist() {
    return of(new double[] {0.2860}, new double[] {0.3530});
  }

  /** No change: mean 0 and std 1 on each of {@code channels} channels. */
  public static Normalization identity(int channels) {
    Checks.positive("channels", channels);
    double[] mean = new double[channels];
    double[] std = new double[channels];
    java.util.Arrays.fill(std, 1.0);
    return of(mean, std);
  }

  /** Explicit statistics; both arrays are copied. */
  public static Normalization of(double[] mean, double[] std) {
    return builder().mean(mean).std(std).build();
  }

  public static Builder builder() {
    return ImmutableNormalization.builder();
  }

  /** Builds {@link Normalization}s; mean and std are required. */
  public abstract static class Builder {
    Builder() {}

    public abstract Builder mean(double... values);

    public abstract Builder std(double... values);

    /** Copies every value of {@code instance}. */
    public abstract Builder from(Normalization instance);

    /**
     * The normalization.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule when it cannot work
     */
    public abstract Normalization build();
  }
}

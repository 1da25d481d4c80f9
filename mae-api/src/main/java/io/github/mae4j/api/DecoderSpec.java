package io.github.mae4j.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.immutables.value.Value;

/** The light MAE decoder: width, depth, heads and MLP ratio. Defaults are the paper's 512 wide, 8 deep, 16 heads. */
@Value.Immutable
@MaeStyle
@JsonSerialize(as = ImmutableDecoderSpec.class)
@JsonDeserialize(as = ImmutableDecoderSpec.class)
public abstract class DecoderSpec extends TransformerSpec implements WithDecoderSpec {

  @Override
  @Value.Default
  public int getEmbedDim() {
    return 512;
  }

  @Override
  @Value.Default
  public int getDepth() {
    return 8;
  }

  @Override
  @Value.Default
  public int getNumHeads() {
    return 16;
  }

  @Override
  @Value.Default
  public double getMlpRatio() {
    return 4.0;
  }

  @Value.Check
  protected void check() {
    validate("decoder");
  }

  /** A decoder of the given width, depth and heads (MLP ratio 4). */
  public static DecoderSpec of(int embedDim, int depth, int numHeads) {
    return builder().embedDim(embedDim).depth(depth).numHeads(numHeads).build();
  }

  public static Builder builder() {
    return ImmutableDecoderSpec.builder();
  }

  /** A builder pre-filled with this spec. */
  public Builder toBuilder() {
    return builder().from(this);
  }

  /** Builds {@link DecoderSpec}s; unset values take their defaults. */
  public abstract static class Builder {
    Builder() {}

    public abstract Builder embedDim(int value);

    public abstract Builder depth(int value);

    public abstract Builder numHeads(int value);

    public abstract Builder mlpRatio(double value);

    /** Copies every value of {@code instance}. */
    public abstract Builder from(DecoderSpec instance);

    /**
     * The spec.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule when it cannot work
     */
    public abstract DecoderSpec build();
  }
}

package io.github.mae4j.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.immutables.value.Value;

/** The ViT encoder: width, depth, heads and MLP ratio. Defaults are ViT-B. */
@Value.Immutable
@MaeStyle
@JsonSerialize(as = ImmutableEncoderSpec.class)
@JsonDeserialize(as = ImmutableEncoderSpec.class)
public abstract class EncoderSpec extends TransformerSpec implements WithEncoderSpec {

  @Override
  @Value.Default
  public int getEmbedDim() {
    return VitSize.BASE.getEmbedDim();
  }

  @Override
  @Value.Default
  public int getDepth() {
    return VitSize.BASE.getDepth();
  }

  @Override
  @Value.Default
  public int getNumHeads() {
    return VitSize.BASE.getNumHeads();
  }

  @Override
  @Value.Default
  public double getMlpRatio() {
    return 4.0;
  }

  @Value.Check
  protected void check() {
    validate("encoder");
  }

  /** The encoder of a named ViT size. */
  public static EncoderSpec of(VitSize size) {
    return builder().embedDim(size.getEmbedDim()).depth(size.getDepth()).numHeads(size.getNumHeads()).build();
  }

  public static Builder builder() {
    return ImmutableEncoderSpec.builder();
  }

  /** A builder pre-filled with this spec. */
  public Builder toBuilder() {
    return builder().from(this);
  }




  /** Builds {@link EncoderSpec}s; unset values take their defaults. */
  public abstract static class Builder {
    Builder() {}

    public abstract Builder embedDim(int value);

    public abstract Builder depth(int value);

    public abstract Builder numHeads(int value);

    public abstract Builder mlpRatio(double value);

    /** Copies every value of {@code instance}. */
    public abstract Builder from(EncoderSpec instance);

    /**
     * The spec.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule when it cannot work
     */
    public abstract EncoderSpec build();
  }
}

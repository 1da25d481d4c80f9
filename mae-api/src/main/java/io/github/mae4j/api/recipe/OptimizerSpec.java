package io.github.mae4j.api.recipe;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.mae4j.api.Checks;
import io.github.mae4j.api.MaeStyle;
import org.immutables.value.Value;

/**
 * The optimizer of a recipe, without its learning rate (the recipe's schedule gives that). Defaults are the
 * paper's pretraining AdamW: β = (0.9, 0.95), weight decay 0.05, no decay on biases, norms and tokens.
 */
@Value.Immutable
@MaeStyle
@JsonSerialize(as = ImmutableOptimizerSpec.class)
@JsonDeserialize(as = ImmutableOptimizerSpec.class)
public abstract class OptimizerSpec implements WithOptimizerSpec {

  @Value.Default
  public OptimizerType getType() {
    return OptimizerType.ADAMW;
  }

  /** Adam's β1 (ignored by LARS). */
  @Value.Default
  public double getBeta1() {
    return 0.9;
  }

  /** Adam's β2 (ignored by LARS). */
  @Value.Default
  public double getBeta2() {
    return 0.95;
  }

  /** Adam's ε (ignored by LARS). */
  @Value.Default
  public double getEps() {
    return 1e-8;
  }

  /** SGD momentum of LARS (ignored by AdamW). */
  @Value.Default
  public double getMomentum() {
    return 0.9;
  }

  /** LARS trust coefficient η (ignored by AdamW). */
  @Value.Default
  public double getTrustCoefficient() {
    return 0.001;
  }

  /** Decoupled weight decay λ on the parameters that take it. */
  @Value.Default
  public double getWeightDecay() {
    return 0.05;
  }

  /**
   * Whether biases, normalization weights and the cls/mask tokens and position embeddings are left out of
   * weight decay (and, for LARS, of the trust-ratio scaling). Which parameters those are is the model's answer
   * (its no-weight-decay list), not the optimizer's.
   */
  @Value.Default
  public boolean isExcludeBiasNormAndTokens() {
    return true;
  }

  @Value.Check
  protected void check() {
    Checks.inHalfOpen("optimizer.beta1", getBeta1(), 0, 1);
    Checks.inHalfOpen("optimizer.beta2", getBeta2(), 0, 1);
    Checks.positive("optimizer.eps", getEps());
    Checks.inHalfOpen("optimizer.momentum", getMomentum(), 0, 1);
    Checks.positive("optimizer.trustCoefficient", getTrustCoefficient());
    Checks.nonNegative("optimizer.weightDecay", getWeightDecay());
  }

  /** AdamW with the given betas and weight decay; biases, norms and tokens take no decay. */
  public static OptimizerSpec adamw(double beta1, double beta2, double weightDecay) {
    return builder().type(OptimizerType.ADAMW).beta1(beta1).beta2(beta2).weightDecay(weightDecay).build();
  }

  /** LARS with momentum 0.9 and the given weight decay; biases and norms are neither decayed nor scaled. */
  public static OptimizerSpec lars(double weightDecay) {
    return builder().type(OptimizerType.LARS).momentum(0.9).weightDecay(weightDecay).build();
  }

  public static Builder builder() {
    return ImmutableOptimizerSpec.builder();
  }

  /** A builder pre-filled with this spec. */
  public Builder toBuilder() {
    return builder().from(this);
  }

  /** Builds {@link OptimizerSpec}s; unset values take their defaults. */
  public abstract static class Builder {
    Builder() {}

    public abstract Builder type(OptimizerType value);

    public abstract Builder beta1(double value);

    public abstract Builder beta2(double value);

    public abstract Builder eps(double value);

    public abstract Builder momentum(double value);

    public abstract Builder trustCoefficient(double value);

    public abstract Builder weightDecay(double value);

    public abstract Builder excludeBiasNormAndTokens(boolean value);

    /** Copies every value of {@code instance}. */
    public abstract Builder from(OptimizerSpec instance);

    /**
     * The spec.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule when it cannot work
     */
    public abstract OptimizerSpec build();
  }
}

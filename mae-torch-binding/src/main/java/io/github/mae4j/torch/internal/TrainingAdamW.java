package io.github.mae4j.torch.internal;

import java.util.List;
import java.util.Locale;

/**
 * The AdamW a run steps: {@link FusedAdamW} (ATen's fused kernel, one pass over memory per update) wherever the
 * libtorch build has it, else {@link LibtorchAdamW} (libtorch's C++ {@code torch::optim::AdamW}). Both compute the
 * same update (equal to 1e-6 over 100 steps, {@code FusedAdamWTest}) and save their state in the same libtorch
 * archive layout, so a checkpoint written by one resumes with the other.
 *
 * <p>The choice can be forced with the system property {@code mae4j.adamw} or the environment variable
 * {@code MAE4J_ADAMW}: {@code fused} or {@code libtorch}.
 */
public sealed interface TrainingAdamW extends AutoCloseable permits FusedAdamW, LibtorchAdamW {

  /** One update of every parameter that has a gradient; parameters without one are left alone. */
  void step();

  /** Drops every gradient (libtorch's and PyTorch's {@code zero_grad(set_to_none=True)}). */
  void zeroGrad();

  /** The number of parameter groups (empty groups are not counted). */
  int groupCount();

  /** The learning rate of group {@code group}. */
  double lr(int group);

  /** Sets the learning rate of group {@code group}. */
  void setLr(int group, double lr);

  /** {@code {β1, β2}} of group {@code group}. */
  double[] betas(int group);

  /** The decoupled weight decay of group {@code group}. */
  double weightDecay(int group);

  /** {@code "fused"} or {@code "libtorch"}. */
  String kind();

  /** The state (moments and step counts per parameter, group options) in libtorch's archive layout. */
  byte[] saveState();

  /**
   * Restores a state saved by either implementation for the same groups (same parameter counts per group, same
   * shapes); the learning rates come from the state, betas, eps and weight decay stay this optimizer's own.
   *
   * @throws IllegalArgumentException when the state does not fit these groups
   */
  void loadState(byte[] state);

  @Override
  void close();

  /**
   * The AdamW this process runs over {@code groups} (empty groups skipped): fused where available, unless
   * {@code mae4j.adamw}/{@code MAE4J_ADAMW} says otherwise.
   *
   * @throws IllegalArgumentException when every group is empty, or the forced kind is unknown
   * @throws IllegalStateException when {@code fused} is forced and this libtorch has no fused AdamW kernel
   */
  static TrainingAdamW create(List<AdamWFactory.Group> groups, AdamWFactory.Hyper hyper) {
    String forced = System.getProperty("mae4j.adamw", System.getenv("MAE4J_ADAMW"));
    String kind = forced == null || forced.isBlank() ? "" : forced.trim().toLowerCase(Locale.ROOT);
    switch (kind) {
      case "" -> {
        return FusedAdamW.available() ? new FusedAdamW(groups, hyper) : new LibtorchAdamW(groups, hyper);
      }
      case "fused" -> {
        if (!FusedAdamW.available()) {
          throw new IllegalStateException("mae4j.adamw=fused was asked for, but this libtorch has no "
              + FusedAdamW.OPERATOR + " kernel: use mae4j.adamw=libtorch");
        }
        return new FusedAdamW(groups, hyper);
      }
      case "libtorch" -> {
        return new LibtorchAdamW(groups, hyper);
      }
      default -> throw new IllegalArgumentException("mae4j.adamw (or MAE4J_ADAMW) must be fused or libtorch, got '"
          + forced + "'");
    }
  }
}

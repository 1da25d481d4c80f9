package io.github.mae4j.torch.downstream.optim;

import io.github.mae4j.torch.internal.AdamWFactory;
import io.github.mae4j.torch.run.OptimizerState;
import java.util.List;
import org.bytedeco.pytorch.AdamW;

/**
 * libtorch AdamW over {@link ParamGroup}s, each with its own weight decay; {@link #setLearningRate(double)} sets
 * every group to {@code lr × lrScale} (layer-wise decay).
 */
public final class GroupedAdamW implements AutoCloseable {
  private final AdamW adamw;
  private final List<ParamGroup> groups;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private boolean closed;

  /** AdamW with libtorch's default eps (1e-8), as timm's and the reference fine-tuning use. */
  public GroupedAdamW(List<ParamGroup> groups, double beta1, double beta2) {
    this(groups, beta1, beta2, 1e-8);
  }

  public GroupedAdamW(List<ParamGroup> groups, double beta1, double beta2, double eps) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("AdamW needs at least one parameter group, got none");
    }
    this.groups = List.copyOf(groups);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    adamw = AdamWFactory.create(
        this.groups.stream().map(g -> new AdamWFactory.Group(g.params(), g.weightDecay())).toList(),
        new AdamWFactory.Hyper(0.0, beta1, beta2, eps));
  }

  public List<ParamGroup> groups() {
    return groups;
  }

  /** Sets group i's learning rate to {@code lr × groups[i].lrScale}. */
  public void setLearningRate(double lr) {
    for (int i = 0; i < groups.size(); i++) {
      adamw.param_groups().get(i).options().set_lr(lr * groups.get(i).lrScale());
    }
  }

  /** The learning rate in force for group i. */
  public double learningRate(int group) {
    return adamw.param_groups().get(group).options().get_lr();
  }

  /** The optimizer's state (moments, step counts, group options) as bytes in libtorch's archive format. */
  public byte[] saveState() {
    return OptimizerState.save(adamw);
  }

  /**
   * Restores state written by {@link #saveState()} for the same parameter groups.
   *
   * @throws IllegalArgumentException when it does not fit these groups
   */
  public void loadState(byte[] state) {
    OptimizerState.load(adamw, state);
    // the archive restores the betas it was written with (swapped in checkpoints from before the betas fix)
    AdamWFactory.enforce(adamw, beta1, beta2, eps);
  }

  /** {@code {β1, β2}} that group {@code group} runs with, read back from libtorch. */
  public double[] betas(int group) {
    return AdamWFactory.betas(adamw, group);
  }

  public void zeroGrad() {
    adamw.zero_grad();
  }

  public void step() {
    adamw.step();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      adamw.close();
    }
  }
}

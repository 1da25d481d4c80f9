package io.github.mae4j.torch.downstream.optim;

import io.github.mae4j.torch.internal.AdamWFactory;
import io.github.mae4j.torch.internal.TrainingAdamW;
import java.util.List;

/**
 * AdamW over {@link ParamGroup}s, each with its own weight decay; {@link #setLearningRate(double)} sets every group
 * to {@code lr × lrScale} (layer-wise decay). Runs ATen's fused AdamW kernel where libtorch has it, else libtorch's
 * C++ AdamW (the same updates; see {@code internal.TrainingAdamW}).
 */
public final class GroupedAdamW implements AutoCloseable {
  private final TrainingAdamW adamw;
  private final List<ParamGroup> groups;
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
    adamw = TrainingAdamW.create(
        this.groups.stream().map(g -> new AdamWFactory.Group(g.params(), g.weightDecay())).toList(),
        new AdamWFactory.Hyper(0.0, beta1, beta2, eps));
  }

  public List<ParamGroup> groups() {
    return groups;
  }

  /** Sets group i's learning rate to {@code lr × groups[i].lrScale}. */
  public void setLearningRate(double lr) {
    for (int i = 0; i < groups.size(); i++) {
      adamw.setLr(i, lr * groups.get(i).lrScale());
    }
  }

  /** The learning rate in force for group i. */
  public double learningRate(int group) {
    return adamw.lr(group);
  }

  /** The optimizer's state (moments, step counts, group options) as bytes in libtorch's archive format. */
  public byte[] saveState() {
    return adamw.saveState();
  }

  /**
   * Restores state written by {@link #saveState()} for the same parameter groups.
   *
   * @throws IllegalArgumentException when it does not fit these groups
   */
  public void loadState(byte[] state) {
    // this optimizer's betas, eps and weight decay rule over the archive's (swapped betas before the betas fix)
    adamw.loadState(state);
  }

  /** {@code {β1, β2}} that group {@code group} runs with. */
  public double[] betas(int group) {
    return adamw.betas(group);
  }

  /** {@code "fused"} or {@code "libtorch"}: the AdamW that runs. */
  public String kind() {
    return adamw.kind();
  }

  public void zeroGrad() {
    adamw.zeroGrad();
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

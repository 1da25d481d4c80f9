package io.github.mae4j.torch.downstream.optim;

import io.github.mae4j.torch.train.OptimizerState;
import java.util.List;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.OptimizerParamGroup;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * libtorch AdamW over {@link ParamGroup}s, each with its own weight decay; {@link #setLearningRate(double)} sets
 * every group to {@code lr × lrScale} (layer-wise decay).
 */
public final class GroupedAdamW implements AutoCloseable {
  private final AdamW adamw;
  private final List<ParamGroup> groups;
  private boolean closed;

  public GroupedAdamW(List<ParamGroup> groups, double beta1, double beta2) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("AdamW needs at least one parameter group, got none");
    }
    this.groups = List.copyOf(groups);
    AdamW opt = null;
    for (ParamGroup g : this.groups) {
      AdamWOptions o = new AdamWOptions(0.0);
      o.betas().put(0, beta1).put(1, beta2);
      o.weight_decay().put(g.weightDecay());
      TensorVector v = new TensorVector(g.params().toArray(new Tensor[0]));
      if (opt == null) {
        opt = new AdamW(v, o);
      } else {
        opt.add_param_group(new OptimizerParamGroup(v, o));
      }
    }
    adamw = opt;
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

package io.github.mae4j.torch.internal;

import java.util.List;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;

/** libtorch's C++ AdamW ({@code torch::optim::AdamW}): a loop over the parameters, several passes over memory each. */
public final class LibtorchAdamW implements TrainingAdamW {
  private final AdamW optimizer;
  private final AdamWFactory.Hyper hyper;
  private boolean closed;

  LibtorchAdamW(List<AdamWFactory.Group> groups, AdamWFactory.Hyper hyper) {
    this.optimizer = AdamWFactory.create(groups, hyper);
    this.hyper = hyper;
  }

  @Override
  public void step() {
    optimizer.step();
  }

  @Override
  public void zeroGrad() {
    optimizer.zero_grad();
  }

  @Override
  public int groupCount() {
    return (int) optimizer.param_groups().size();
  }

  @Override
  public double lr(int group) {
    return optimizer.param_groups().get(group).options().get_lr();
  }

  @Override
  public void setLr(int group, double lr) {
    optimizer.param_groups().get(group).options().set_lr(lr);
  }

  @Override
  public double[] betas(int group) {
    return AdamWFactory.betas(optimizer, group);
  }

  @Override
  public double weightDecay(int group) {
    return AdamWFactory.weightDecay(optimizer, group);
  }

  @Override
  public String kind() {
    return "libtorch";
  }

  @Override
  public byte[] saveState() {
    try (OutputArchive archive = new OutputArchive()) {
      optimizer.save(archive);
      return ArchiveBytes.of(archive);
    }
  }

  @Override
  public void loadState(byte[] state) {
    double[] wd = new double[groupCount()];
    for (int g = 0; g < wd.length; g++) {
      wd[g] = weightDecay(g);
    }
    try (InputArchive archive = new InputArchive()) {
      ArchiveBytes.load(archive, state, "saved optimizer state");
      optimizer.load(archive);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the saved optimizer state does not fit this optimizer (other parameter "
          + "groups, parameter count or shapes): " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
    // the archive restores the options it was written with (swapped betas in checkpoints from before the betas
    // fix): this optimizer's hyperparameters rule, as FusedAdamW's do
    AdamWFactory.enforce(optimizer, hyper.beta1(), hyper.beta2(), hyper.eps());
    for (int g = 0; g < wd.length; g++) {
      new org.bytedeco.pytorch.AdamWOptions(optimizer.param_groups().get(g).options()).weight_decay().put(wd[g]);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      optimizer.close();
    }
  }
}

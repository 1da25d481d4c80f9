package io.github.mae4j.torch.downstream.optim;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Parameters that share a weight decay and a learning-rate scale.
 *
 * @param name e.g. {@code layer_3_decay}, {@code layer_0_no_decay}
 * @param names the parameters' reference names
 * @param params the parameters (sharing storage with the model)
 * @param weightDecay decoupled weight decay of the group
 * @param lrScale multiplier applied to the scheduled learning rate
 */
public record ParamGroup(String name, List<String> names, List<Tensor> params, double weightDecay, double lrScale) {
  public ParamGroup {
    names = List.copyOf(names);
    params = List.copyOf(params);
  }
}

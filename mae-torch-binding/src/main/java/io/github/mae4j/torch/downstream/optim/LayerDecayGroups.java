package io.github.mae4j.torch.downstream.optim;

import io.github.mae4j.api.schedule.LayerDecay;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * The optimizer groups of layer-wise learning-rate decay (the reference {@code param_groups_lrd}): one group per
 * (layer, weight decay or not), each with the scale {@link LayerDecay#scale} of its layer.
 */
public final class LayerDecayGroups {
  private LayerDecayGroups() {}

  /**
   * The trainable parameters of {@code model} grouped by layer and by weight decay, in order of first appearance.
   * Frozen parameters (requires_grad false) are left out.
   */
  public static List<ParamGroup> groups(VitClassifier model, double weightDecay, double layerDecay) {
    double[] s = LayerDecay.scales(model.depth(), layerDecay);
    Map<String, List<String>> names = new LinkedHashMap<>();
    Map<String, List<Tensor>> tensors = new LinkedHashMap<>();
    Map<String, double[]> settings = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
      Tensor p = e.getValue();
      if (!p.requires_grad()) {
        continue;
      }
      int id = model.layerId(e.getKey());
      boolean noDecay = model.noWeightDecay(e.getKey(), p);
      String key = "layer_" + id + (noDecay ? "_no_decay" : "_decay");
      names.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getKey());
      tensors.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
      settings.putIfAbsent(key, new double[] {noDecay ? 0.0 : weightDecay, s[id]});
    }
    List<ParamGroup> out = new ArrayList<>();
    for (String key : names.keySet()) {
      double[] st = settings.get(key);
      out.add(new ParamGroup(key, names.get(key), tensors.get(key), st[0], st[1]));
    }
    return out;
  }
}

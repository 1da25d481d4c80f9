package io.github.mae4j.torch.downstream.optim;

import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Layer-wise learning-rate decay (Clark et al. 2020; BEiT; MAE §A.2): layer group i of a model with
 * {@code n = depth + 1} layers gets {@code decay^(n − i)}, so the head gets 1 and the patch embedding
 * {@code decay^(depth+1)}. Groups are split further into decayed and non-decayed parameters.
 */
public final class LayerDecay {
  private LayerDecay() {}

  /**
   * The scale of each layer group 0 … numLayers.
   *
   * @param numLayers depth + 1
   */
  public static double[] scales(int numLayers, double decay) {
    if (numLayers < 1) {
      throw new IllegalArgumentException("numLayers (" + numLayers + ") must be >= 1");
    }
    if (!(decay > 0 && decay <= 1)) {
      throw new IllegalArgumentException("layer decay (" + decay + ") must be in (0, 1]");
    }
    double[] s = new double[numLayers + 1];
    for (int i = 0; i <= numLayers; i++) {
      s[i] = Math.pow(decay, numLayers - i);
    }
    return s;
  }

  /**
   * The trainable parameters of {@code model} grouped by layer and by weight decay, in order of first appearance.
   * Frozen parameters (requires_grad false) are left out.
   */
  public static List<ParamGroup> groups(VitClassifier model, double weightDecay, double layerDecay) {
    double[] s = scales(model.depth() + 1, layerDecay);
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

package io.github.mae4j.api.schedule;

/**
 * Layer-wise learning-rate decay for fine-tuning (BEiT, MAE): the layers of a ViT of depth {@code d} are numbered
 * 0 (patch embedding, cls token, position embedding), 1…d (the blocks) and d+1 (final norm and head), and layer
 * {@code i} trains at {@code lr · decay^(d + 1 − i)}: the head at the full rate, each block below it at one more
 * factor of {@code decay}. Which layer a parameter belongs to is the binding's {@code VitParameterRules.layerId}.
 */
public final class LayerDecay {
  private LayerDecay() {}

  /** Scale of layer {@code layerId} in [0, depth + 1]: {@code decay^(depth + 1 − layerId)}. */
  public static double scale(int layerId, int depth, double decay) {
    checkDepthAndDecay(depth, decay);
    if (layerId < 0 || layerId > depth + 1) {
      throw new IllegalArgumentException(
          "layerId (" + layerId + ") must be in [0, depth + 1 = " + (depth + 1) + "]");
    }
    return Math.pow(decay, depth + 1 - layerId);
  }

  /** The scales of all {@code depth + 2} layers, index = layer id; the last is 1. */
  public static double[] scales(int depth, double decay) {
    checkDepthAndDecay(depth, decay);
    double[] out = new double[depth + 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.pow(decay, depth + 1 - i);
    }
    return out;
  }

  private static void checkDepthAndDecay(int depth, double decay) {
    if (depth <= 0) {
      throw new IllegalArgumentException("depth (" + depth + ") must be positive");
    }
    if (!(decay > 0 && decay <= 1)) {
      throw new IllegalArgumentException("decay (" + decay + ") must be in (0, 1]");
    }
  }
}

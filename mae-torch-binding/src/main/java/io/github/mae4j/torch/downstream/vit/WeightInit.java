package io.github.mae4j.torch.downstream.vit;

import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.nn.SinCosPosEmbed;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * The reference ViT initialization: xavier-uniform linear weights (the patch projection as a [D, C·p·p] matrix),
 * zero biases, unit LayerNorms, cls token N(0, 0.02²), sin-cos {@code pos_embed}, head N(0, (2e-5)²). timm's
 * {@code trunc_normal_(std=2e-5)} truncates at ±2 in absolute units, which never binds at that std, so a plain
 * normal is the same distribution.
 */
final class WeightInit {
  static final double HEAD_STD = 2e-5;

  private WeightInit() {}

  static void initialize(VitClassifier model, Generator g) {
    GeneratorOptional go = new GeneratorOptional(g);
    try (NoGradGuard guard = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
        String name = e.getKey();
        Tensor p = e.getValue();
        if (name.equals("cls_token")) {
          p.normal_(0.0, 0.02, go);
        } else if (name.equals("pos_embed")) {
          int d = model.embedDim();
          p.copy_(Tensors.floats(SinCosPosEmbed.table(d, model.config().getGridSize(), model.config().getGridSize(), true),
              1, model.config().getNumPatches() + 1, d));
        } else if (name.equals("head.weight")) {
          p.normal_(0.0, HEAD_STD, go);
        } else if (name.endsWith(".bias") || name.equals("head.bias")) {
          p.zero_();
        } else if (p.dim() == 1) {
          p.fill_(Tensors.scalar(1.0));
        } else {
          long fanOut = p.size(0);
          long fanIn = p.numel() / fanOut;
          double bound = Math.sqrt(6.0 / (fanIn + fanOut));
          p.uniform_(-bound, bound, go);
        }
      }
    }
  }
}

package io.github.mae4j.torch.nn;

import io.github.mae4j.api.TransformerSpec;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A pre-norm ViT block: {@code x + attn(norm1(x))}, then {@code x + mlp(norm2(x))}. Submodule names are the
 * reference's: {@code norm1}, {@code attn.qkv}, {@code attn.proj}, {@code norm2}, {@code mlp.fc1}, {@code mlp.fc2}.
 */
final class Block extends Module {
  final LayerNormImpl norm1;
  final Attention attn;
  final LayerNormImpl norm2;
  final Mlp mlp;

  Block(TransformerSpec spec, double eps) {
    int d = spec.getEmbedDim();
    this.norm1 = register_module("norm1", layerNorm(d, eps));
    this.attn = register_module("attn", new Attention(d, spec.getNumHeads()));
    this.norm2 = register_module("norm2", layerNorm(d, eps));
    this.mlp = register_module("mlp", new Mlp(d, spec.getMlpHiddenDim()));
  }

  /** x [B, T, D] → [B, T, D]. */
  Tensor forward(Tensor x) {
    Tensor h = x.add(attn.forward(norm1.forward(x)));
    return h.add(mlp.forward(norm2.forward(h)));
  }

  static LayerNormImpl layerNorm(int dim, double eps) {
    LayerNormOptions o = new LayerNormOptions(new LongVector(new long[] {dim}));
    o.eps().put(eps);
    return new LayerNormImpl(o);
  }
}

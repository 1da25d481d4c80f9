package io.github.mae4j.torch.downstream.vit;

import io.github.mae4j.torch.nn.Attention;
import io.github.mae4j.torch.nn.Mlp;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A pre-norm transformer block with the reference names ({@code norm1}, {@code attn.qkv}, {@code attn.proj},
 * {@code norm2}, {@code mlp.fc1}, {@code mlp.fc2}) and stochastic depth on both residual branches; attention and MLP
 * are the MAE model's own {@link Attention} and {@link Mlp}.
 */
final class VitBlock extends Module {
  final LayerNormImpl norm1;
  final Attention attn;
  final LayerNormImpl norm2;
  final Mlp mlp;
  private final double dropPath;
  private final Generator generator;

  VitBlock(int dim, int heads, int hidden, double eps, double dropPath, Generator generator) {
    this.dropPath = dropPath;
    this.generator = generator;
    norm1 = register_module("norm1", layerNorm(dim, eps));
    attn = register_module("attn", new Attention(dim, heads));
    norm2 = register_module("norm2", layerNorm(dim, eps));
    mlp = register_module("mlp", new Mlp(dim, hidden));
  }

  static LayerNormImpl layerNorm(int dim, double eps) {
    LayerNormOptions o = new LayerNormOptions(new LongVector(new long[] {dim}));
    o.eps().put(eps);
    return new LayerNormImpl(o);
  }

  double dropPathRate() {
    return dropPath;
  }

  /** x [B, N, D] → [B, N, D]. */
  Tensor forward(Tensor x) {
    boolean training = is_training();
    Tensor h = x.add(DropPath.apply(attn.forward(norm1.forward(x)), dropPath, training, generator));
    return h.add(DropPath.apply(mlp.forward(norm2.forward(h)), dropPath, training, generator));
  }
}

package io.github.mae4j.torch.nn;

import io.github.mae4j.api.TransformerSpec;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A pre-norm ViT block: {@code x + dropPath(attn(norm1(x)))}, then {@code x + dropPath(mlp(norm2(x)))}. Submodule
 * names are the reference's: {@code norm1}, {@code attn.qkv}, {@code attn.proj}, {@code norm2}, {@code mlp.fc1},
 * {@code mlp.fc2}. The one block of both the MAE encoder/decoder (no drop path) and the fine-tuned classifier
 * (stochastic depth as timm's {@code Block(drop_path=…)}, active only in training mode).
 */
public final class Block extends Module {
  final LayerNormImpl norm1;
  final Attention attn;
  final LayerNormImpl norm2;
  final Mlp mlp;
  private final double dropPath;
  private final @Nullable Generator generator;
  private final DropPathRows rows;

  /** A block without stochastic depth (the MAE encoder and decoder). */
  Block(TransformerSpec spec, double eps) {
    this(spec, eps, 0, null);
  }

  /**
   * A block whose residual branches are dropped per sample with probability {@code dropPath} in training.
   *
   * @param generator the CPU generator of the drop masks; may be null only when {@code dropPath} is 0
   * @throws IllegalArgumentException when {@code dropPath} is not in [0, 1) or it is positive without a generator
   */
  public Block(TransformerSpec spec, double eps, double dropPath, @Nullable Generator generator) {
    this(spec, eps, dropPath, generator, new DropPathRows());
  }

  /**
   * As {@link #Block(TransformerSpec, double, double, Generator)}, drawing the drop masks for the global batch that
   * {@code rows} describes (shared by the blocks of a model, set between steps).
   */
  public Block(TransformerSpec spec, double eps, double dropPath, @Nullable Generator generator, DropPathRows rows) {
    if (!(dropPath >= 0 && dropPath < 1)) {
      throw new IllegalArgumentException("drop path rate (" + dropPath + ") must be in [0, 1)");
    }
    if (dropPath > 0 && generator == null) {
      throw new IllegalArgumentException("drop path rate (" + dropPath + ") > 0 needs a generator");
    }
    this.dropPath = dropPath;
    this.generator = generator;
    this.rows = rows;
    int d = spec.getEmbedDim();
    this.norm1 = register_module("norm1", layerNorm(d, eps));
    this.attn = register_module("attn", new Attention(d, spec.getNumHeads()));
    this.norm2 = register_module("norm2", layerNorm(d, eps));
    this.mlp = register_module("mlp", new Mlp(d, spec.getMlpHiddenDim()));
  }

  /** The stochastic-depth rate of both residual branches. */
  public double dropPathRate() {
    return dropPath;
  }

  /** x [B, T, D] → [B, T, D]. */
  public Tensor forward(Tensor x) {
    Tensor h = x.add(dropPath(attn.forward(norm1.forward(x))));
    return h.add(dropPath(mlp.forward(norm2.forward(h))));
  }

  /** branch [B, T, D] → [B, T, D]: the identity without stochastic depth or outside training. */
  private Tensor dropPath(Tensor branch) {
    if (dropPath == 0 || generator == null) {
      return branch;
    }
    return DropPath.apply(branch, dropPath, is_training(), generator, rows);
  }

  /** A LayerNorm over the last dimension with the given eps: [*, dim] → [*, dim]. */
  public static LayerNormImpl layerNorm(int dim, double eps) {
    LayerNormOptions o = new LayerNormOptions(new LongVector(new long[] {dim}));
    o.eps().put(eps);
    return new LayerNormImpl(o);
  }
}

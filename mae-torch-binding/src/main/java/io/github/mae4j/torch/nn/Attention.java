package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Multi-head self-attention with a qkv bias ({@code qkv}, {@code proj}), computed with libtorch's
 * {@code scaled_dot_product_attention} or written out (scale 1/√headDim, no dropout), whichever
 * {@link AttentionKernels} measured faster for this shape and precision.
 */
final class Attention extends Module {
  private final int numHeads;
  final LinearImpl qkv;
  final LinearImpl proj;

  Attention(int dim, int numHeads) {
    this.numHeads = numHeads;
    this.qkv = register_module("qkv", new LinearImpl(dim, 3L * dim));
    this.proj = register_module("proj", new LinearImpl(dim, dim));
  }

  /** x [B, T, D] → [B, T, D]. */
  Tensor forward(Tensor x) {
    long b = x.size(0);
    long t = x.size(1);
    long d = x.size(2);
    // [B, T, 3D] → [3, B, heads, T, headDim]
    Tensor qkvT = qkv.forward(x).reshape(b, t, 3, numHeads, d / numHeads).permute(2, 0, 3, 1, 4);
    Tensor o = AttentionKernels.attend(qkvT.select(0, 0), qkvT.select(0, 1), qkvT.select(0, 2));
    return proj.forward(o.transpose(1, 2).reshape(b, t, d));
  }
}

package io.github.mae4j.torch.downstream.vit;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** {@code attn}: multi-head self-attention with {@code qkv} and {@code proj} linear layers (both with bias). */
final class VitAttention extends Module {
  final LinearImpl qkv;
  final LinearImpl proj;
  private final int heads;

  VitAttention(int dim, int heads) {
    this.heads = heads;
    qkv = register_module("qkv", new LinearImpl(dim, 3L * dim));
    proj = register_module("proj", new LinearImpl(dim, dim));
  }

  /** x [B, N, D] → [B, N, D]. */
  Tensor forward(Tensor x) {
    long b = x.size(0);
    long n = x.size(1);
    long d = x.size(2);
    Tensor qkvOut = qkv.forward(x).reshape(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
    Tensor attended = torch.scaled_dot_product_attention(qkvOut.select(0, 0), qkvOut.select(0, 1), qkvOut.select(0, 2));
    return proj.forward(attended.transpose(1, 2).reshape(b, n, d));
  }
}

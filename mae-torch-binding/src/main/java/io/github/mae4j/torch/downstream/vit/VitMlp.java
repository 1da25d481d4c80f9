package io.github.mae4j.torch.downstream.vit;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** {@code mlp}: {@code fc1} → GELU (exact) → {@code fc2}. */
final class VitMlp extends Module {
  final LinearImpl fc1;
  final LinearImpl fc2;

  VitMlp(int dim, int hidden) {
    fc1 = register_module("fc1", new LinearImpl(dim, hidden));
    fc2 = register_module("fc2", new LinearImpl(hidden, dim));
  }

  /** x [B, N, D] → [B, N, D]. */
  Tensor forward(Tensor x) {
    return fc2.forward(torch.gelu(fc1.forward(x)));
  }
}

package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The transformer MLP: {@code fc1} → exact (erf) GELU → {@code fc2}. */
final class Mlp extends Module {
  final LinearImpl fc1;
  final LinearImpl fc2;

  Mlp(int dim, int hidden) {
    this.fc1 = register_module("fc1", new LinearImpl(dim, hidden));
    this.fc2 = register_module("fc2", new LinearImpl(hidden, dim));
  }

  /** x [B, T, D] → [B, T, D]. */
  Tensor forward(Tensor x) {
    return fc2.forward(torch.gelu(fc1.forward(x)));
  }
}

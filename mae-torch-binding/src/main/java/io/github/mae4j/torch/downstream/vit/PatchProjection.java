package io.github.mae4j.torch.downstream.vit;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import io.github.mae4j.torch.downstream.internal.Tensors;

/** {@code patch_embed.proj}: a p×p convolution with stride p (parameters {@code weight [D, C, p, p]}, {@code bias [D]}). */
final class PatchProjection extends Module {
  final Tensor weight;
  final Tensor bias;
  private final int patch;

  PatchProjection(int inChannels, int embedDim, int patch) {
    this.patch = patch;
    weight = new Tensor(register_parameter("weight", Tensors.zeros(embedDim, inChannels, patch, patch)));
    bias = new Tensor(register_parameter("bias", Tensors.zeros(embedDim)));
  }

  /** images [N, C, H, W] → tokens [N, L, D]. */
  Tensor forward(Tensor images) {
    Tensor y = torch.conv2d(images, weight, new TensorOptional(bias),
        new long[] {patch, patch}, new long[] {0, 0}, new long[] {1, 1}, 1);
    return y.flatten(2, 3).transpose(1, 2);
  }
}

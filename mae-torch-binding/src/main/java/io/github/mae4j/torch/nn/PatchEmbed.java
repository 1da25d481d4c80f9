package io.github.mae4j.torch.nn;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Patch embedding: a convolution with kernel = stride = p ({@code proj}), flattened to tokens. */
public final class PatchEmbed extends Module {
  final Conv2dImpl proj;

  public PatchEmbed(int inChannels, int embedDim, int patchSize) {
    Conv2dOptions o = new Conv2dOptions(inChannels, embedDim, new LongPointer(patchSize, patchSize));
    o.stride().put(new long[] {patchSize, patchSize});
    this.proj = register_module("proj", new Conv2dImpl(o));
  }

  /** images [N, C, H, W] → tokens [N, (H/p)·(W/p), D], patches in raster order. */
  public Tensor forward(Tensor images) {
    return proj.forward(images).flatten(2, 3).transpose(1, 2);
  }
}

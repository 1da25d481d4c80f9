package io.github.mae4j.torch.downstream.vit;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import io.github.mae4j.torch.downstream.internal.Tensors;

/**
 * Stochastic depth (Huang et al. 2016) as timm applies it to a residual branch: in training each sample's branch
 * is dropped with probability {@code rate} and kept ones are scaled by {@code 1/(1−rate)}, so the expectation is
 * unchanged; in evaluation it is the identity.
 */
public final class DropPath {
  private DropPath() {}

  /**
   * branch [N, ...] → branch [N, ...] with whole samples zeroed.
   *
   * @param rate drop probability in [0, 1)
   * @param training identity when false
   */
  public static Tensor apply(Tensor branch, double rate, boolean training, Generator generator) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("drop path rate (" + rate + ") must be in [0, 1)");
    }
    if (!training || rate == 0) {
      return branch;
    }
    double keep = 1 - rate;
    long[] shape = new long[(int) branch.dim()];
    java.util.Arrays.fill(shape, 1);
    shape[0] = branch.size(0);
    Tensor mask = torch.empty(shape, Tensors.f32(), new MemoryFormatOptional())
        .bernoulli_(keep, new GeneratorOptional(generator));
    return branch.mul(mask.div(Tensors.scalar(keep)));
  }
}

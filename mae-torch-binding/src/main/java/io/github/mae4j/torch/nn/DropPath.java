package io.github.mae4j.torch.nn;

import java.util.Arrays;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Stochastic depth (Huang et al. 2016) as timm's {@code drop_path} applies it to a residual branch: in training each
 * sample's branch is dropped with probability {@code rate} and kept ones are scaled by {@code 1/(1−rate)}, so the
 * expectation is unchanged; in evaluation it is the identity.
 */
public final class DropPath {
  private DropPath() {}

  /**
   * branch [N, ...] → branch [N, ...] with whole samples zeroed.
   *
   * @param rate drop probability in [0, 1)
   * @param training identity when false
   * @param generator the CPU generator the per-sample keep mask is drawn from
   */
  public static Tensor apply(Tensor branch, double rate, boolean training, Generator generator) {
    return apply(branch, rate, training, generator, new DropPathRows());
  }

  /**
   * As {@link #apply(Tensor, double, boolean, Generator)}, the mask drawn for the whole global batch of
   * {@code rows} and sliced to this process's block.
   *
   * @throws IllegalArgumentException when the branch's rows do not fit in the window
   */
  public static Tensor apply(Tensor branch, double rate, boolean training, Generator generator, DropPathRows rows) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("drop path rate (" + rate + ") must be in [0, 1)");
    }
    if (!training || rate == 0) {
      return branch;
    }
    double keep = 1 - rate;
    long[] shape = new long[(int) branch.dim()];
    Arrays.fill(shape, 1);
    long n = branch.size(0);
    long global = rows.globalRows() == 0 ? n : rows.globalRows();
    if (rows.offset() + n > global) {
      throw new IllegalArgumentException("drop path: rows [" + rows.offset() + ", " + (rows.offset() + n)
          + ") of the branch do not fit in a global batch of " + global);
    }
    shape[0] = global;
    Tensor mask = torch.empty(shape, new TensorOptions(ScalarType.Float), new MemoryFormatOptional())
        .bernoulli_(keep, new GeneratorOptional(generator));
    if (global != n) {
      mask = mask.narrow(0, rows.offset(), n);
    }
    return branch.mul(mask.div(new Scalar(keep)));
  }
}

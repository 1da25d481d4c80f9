package io.github.mae4j.torch.downstream.linprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.BatchNorm1dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** {@link SyncBatchNorm} in one process is libtorch's BatchNorm1d in training mode. */
class SyncBatchNormTest {
  static BatchNorm1dImpl bn(int d) {
    BatchNormOptions o = new BatchNormOptions(d);
    o.affine().put(false);
    o.eps().put(1e-6);
    return new BatchNorm1dImpl(o);
  }

  @Test
  void forwardTraining_oneProcess_equalsLibtorchBatchNormAndItsRunningStatistics() {
    Torch.load();
    float[] v = new float[24 * 5];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (7 + 2 * r.nextGaussian());
    }
    Tensor x = Tensors.floats(v, 24, 5);
    BatchNorm1dImpl mine = bn(5);
    BatchNorm1dImpl ref = bn(5);
    mine.train(true);
    ref.train(true);
    for (int step = 0; step < 3; step++) {
      float[] a = Tensors.toFloatArray(SyncBatchNorm.forwardTraining(mine, x, DistributedContext.single()));
      float[] b = Tensors.toFloatArray(ref.forward(x));
      assertThat(a).containsExactly(b, within(2e-5f));
    }
    assertThat(Tensors.toFloatArray(mine.running_mean()))
        .containsExactly(Tensors.toFloatArray(ref.running_mean()), within(1e-5f));
    assertThat(Tensors.toFloatArray(mine.running_var()))
        .containsExactly(Tensors.toFloatArray(ref.running_var()), within(1e-5f));
    assertThat(mine.num_batches_tracked().item_long()).isEqualTo(3);
    assertThat(Tensors.toFloatArray(mine.running_mean())[0]).isGreaterThan(1.5f);
  }

  @Test
  void forwardTraining_featuresThatRequireAGradient_refused() {
    Torch.load();
    Tensor x = Tensors.zeros(4, 3).requires_grad_(true);
    assertThatThrownBy(() -> SyncBatchNorm.forwardTraining(bn(3), x, DistributedContext.single()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frozen features");
    assertThatThrownBy(() -> SyncBatchNorm.forwardTraining(bn(3), Tensors.zeros(4, 2), DistributedContext.single()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs [n, 3], got [4, 2]");
  }
}

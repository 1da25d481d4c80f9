package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.Torch;
import org.bytedeco.pytorch.BatchNorm1dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.LayerNormImpl;
import org.junit.jupiter.api.Test;

/**
 * Options written through the presets' raw pointers, read back from the module libtorch built (the audit that
 * followed the swapped AdamW betas): scalars and arrays have no element order to get wrong, but a wrong pointer
 * type or a copy instead of a view would still lose the value.
 */
class NativeOptionsReadbackTest {
  @Test
  void layerNorm_eps_isTheOneSet() {
    Torch.load();
    LayerNormImpl ln = Block.layerNorm(16, 1e-6);
    assertThat(ln.options().eps().get()).isEqualTo(1e-6);
    assertThat(ln.options().normalized_shape().get()).containsExactly(16L);
  }

  @Test
  void batchNorm_epsAndAffine_areTheOnesSet() {
    Torch.load();
    BatchNormOptions o = new BatchNormOptions(8);
    o.affine().put(false);
    o.eps().put(1e-6);
    BatchNorm1dImpl bn = new BatchNorm1dImpl(o);
    assertThat(bn.options().eps().get()).isEqualTo(1e-6);
    assertThat(bn.options().affine().get()).isFalse();
  }

  @Test
  void patchEmbed_kernelAndStride_areThePatchSize() {
    Torch.load();
    var o = new PatchEmbed(3, 8, 4).proj.options();
    assertThat(new long[] {o.kernel_size().get(0), o.kernel_size().get(1)}).containsExactly(4, 4);
    assertThat(new long[] {o.stride().get(0), o.stride().get(1)}).containsExactly(4, 4);
  }
}

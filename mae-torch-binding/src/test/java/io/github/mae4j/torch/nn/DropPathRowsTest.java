package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Drop-path masks drawn for a global batch and sliced: blocks of it drop what the whole batch drops. */
class DropPathRowsTest {
  static Tensor ones(long n) {
    return Tensors.zeros(n, 3, 2).add(Tensors.scalar(1));
  }

  @Test
  void apply_threeBlocksOfFour_dropTheRowsTheBatchOfTwelveDrops() {
    Torch.load();
    Tensor whole = DropPath.apply(ones(12), 0.5, true, torch.createCPUGenerator(5));
    Tensor[] parts = new Tensor[3];
    for (int r = 0; r < 3; r++) {
      DropPathRows rows = new DropPathRows();
      rows.set(12, 4L * r);
      parts[r] = DropPath.apply(ones(4), 0.5, true, torch.createCPUGenerator(5), rows);
    }
    float[] w = Tensors.toFloatArray(whole);
    assertThat(Tensors.toFloatArray(torch.cat(new TensorVector(parts)))).containsExactly(w);
    // something was dropped and something kept (scaled by 1 / 0.5)
    assertThat(w).contains(0f, 2f);
  }

  @Test
  void apply_blockOutsideTheGlobalBatch_throws() {
    Torch.load();
    DropPathRows rows = new DropPathRows();
    rows.set(6, 4);
    Generator g = torch.createCPUGenerator(1);
    assertThatThrownBy(() -> DropPath.apply(ones(4), 0.5, true, g, rows))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows [4, 8)")
        .hasMessageContaining("global batch of 6");
    assertThatThrownBy(() -> rows.set(4, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset (4)");
  }
}

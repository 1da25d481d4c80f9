package io.github.mae4j.torch.downstream.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class PosEmbedInterpolationTest {
  @Test
  void resize_constantChannels_stayConstantAndClsKept() {
    Torch.load();
    // 1 cls token + 2×2 grid, D = 2: cls = (7, 8), every patch = (1, −3)
    Tensor pos = Tensors.floats(new float[] {7, 8, 1, -3, 1, -3, 1, -3, 1, -3}, 1, 5, 2);
    float[] out = Tensors.toFloatArray(PosEmbedInterpolation.resize(pos, 1, 3));
    assertThat(out).hasSize(10 * 2);
    assertThat(out[0]).isEqualTo(7f);
    assertThat(out[1]).isEqualTo(8f);
    for (int t = 1; t < 10; t++) {
      assertThat(out[2 * t]).isCloseTo(1f, within(1e-5f));
      assertThat(out[2 * t + 1]).isCloseTo(-3f, within(1e-5f));
    }
  }

  @Test
  void resize_sameGrid_returnsInput() {
    Torch.load();
    Tensor pos = Tensors.zeros(1, 5, 2);
    assertThat(PosEmbedInterpolation.resize(pos, 1, 2)).isSameAs(pos);
  }

  @Test
  void resize_notSquare_throws() {
    Torch.load();
    assertThatThrownBy(() -> PosEmbedInterpolation.resize(Tensors.zeros(1, 6, 2), 1, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 tokens");
  }
}

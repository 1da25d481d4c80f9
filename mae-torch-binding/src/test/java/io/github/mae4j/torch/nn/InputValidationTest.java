package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.TensorData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InputValidationTest {
  static MaskedAutoencoder model;

  @BeforeAll
  static void build() {
    Torch.load();
    model = MaskedAutoencoder.create(MaskedAutoencoderTest.CONFIG, 7);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void forward_rank3_isRejectedWithShapes() {
    try (PointerScope s = new PointerScope()) {
      assertThatThrownBy(() -> model.forward(torch.rand(3, 16, 16), 1L))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[N, 3, 16, 16] float32")
          .hasMessageContaining("rank 3");
    }
  }

  @Test
  void forward_wrongChannels_isRejectedWithShapes() {
    try (PointerScope s = new PointerScope()) {
      assertThatThrownBy(() -> model.forward(torch.rand(2, 1, 16, 16), 1L))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("3 channel(s)")
          .hasMessageContaining("[2, 1, 16, 16]");
    }
  }

  @Test
  void forward_wrongSize_isRejectedWithShapes() {
    try (PointerScope s = new PointerScope()) {
      assertThatThrownBy(() -> model.forward(torch.rand(2, 3, 32, 32), 1L))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("16x16")
          .hasMessageContaining("[2, 3, 32, 32]");
    }
  }

  @Test
  void forward_doubleImages_isRejectedNamingDtype() {
    try (PointerScope s = new PointerScope()) {
      Tensor d = torch.rand(new long[] {2, 3, 16, 16}, new TensorOptions(ScalarType.Double));
      assertThatThrownBy(() -> model.forward(d, 1L))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("float32")
          .hasMessageContaining("double");
    }
  }

  @Test
  void forward_noiseOfWrongShape_isRejectedWithShapes() {
    try (PointerScope s = new PointerScope()) {
      assertThatThrownBy(() -> model.forward(torch.rand(2, 3, 16, 16), torch.rand(2, 15)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[2, 16]")
          .hasMessageContaining("[2, 15]");
    }
  }

  @Test
  void forward_nanImage_throwsNonFiniteLossNamingInput() {
    try (PointerScope s = new PointerScope()) {
      float[] v = new float[3 * 16 * 16];
      v[5] = Float.NaN;
      Tensor x = TensorData.fromFloats(v, 1, 3, 16, 16);
      assertThatThrownBy(() -> model.forward(x, torch.rand(1, 16)))
          .isInstanceOf(NonFiniteLossException.class)
          .isInstanceOf(ArithmeticException.class)
          .hasMessageContaining("input images contain NaN")
          .hasMessageContaining("parameters are finite");
    }
  }

  @Test
  void patchify_nonMultipleSize_isRejected() {
    try (PointerScope s = new PointerScope()) {
      assertThatThrownBy(() -> model.patchify(torch.rand(1, 3, 15, 16)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("multiples of the patch size 4");
      assertThat(model.patchify(torch.rand(1, 3, 16, 16)).size(2)).isEqualTo(48);
    }
  }
}

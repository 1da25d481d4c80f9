package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.run.TensorData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class TensorDataTest {
  @Test
  void of_floatTensor_roundTripsDtypeShapeAndValues() {
    Torch.load();
    try (PointerScope ignored = new PointerScope()) {
      Tensor t = torch.arange(new org.bytedeco.pytorch.Scalar(6)).to(torch.ScalarType.Float).reshape(2, 3);
      TensorData d = TensorData.of(t);
      assertThat(d.dtype()).isEqualTo("Float");
      assertThat(d.shape()).containsExactly(2, 3);
      Tensor back = d.toTensor();
      assertThat(back.equal(t)).isTrue();
    }
  }
}

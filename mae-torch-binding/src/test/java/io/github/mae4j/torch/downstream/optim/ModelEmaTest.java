package io.github.mae4j.torch.downstream.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class ModelEmaTest {
  @Test
  void update_twice_isExponentialAverage() {
    Torch.load();
    Tensor w = Tensors.floats(new float[] {1, 2}, 2);
    Map<String, Tensor> params = Map.of("w", w);
    try (ModelEma ema = new ModelEma(params, 0.9)) {
      w.copy_(Tensors.floats(new float[] {11, -8}, 2));
      ema.update(params); // 0.9·[1,2] + 0.1·[11,−8] = [2, 1]
      assertThat(Tensors.toFloatArray(ema.shadow().get("w"))).containsExactly(new float[] {2, 1}, within(1e-6f));
      ema.update(params); // 0.9·[2,1] + 0.1·[11,−8] = [2.9, 0.1]
      assertThat(Tensors.toFloatArray(ema.shadow().get("w"))).containsExactly(new float[] {2.9f, 0.1f}, within(1e-5f));
      ema.copyTo(params);
      assertThat(Tensors.toFloatArray(w)).containsExactly(new float[] {2.9f, 0.1f}, within(1e-5f));
      ema.close();
    }
  }
}

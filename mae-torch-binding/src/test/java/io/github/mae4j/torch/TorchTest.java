package io.github.mae4j.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class TorchTest {
  @Test
  void load_defaults_setsOneAtenThreadAndFindsOpenBlas() {
    Torch.load();
    assertThat(Torch.atenThreads()).isEqualTo(1);
    assertThat(torch.get_num_threads()).isEqualTo(1);
    assertThat(Torch.hasOpenBlas()).isTrue();
    Tensor t = torch.ones(2, 3);
    assertThat(t.sum().item_float()).isEqualTo(6f);
  }

  @Test
  void libtorchVersion_presets_is2_10() {
    assertThat(Torch.libtorchVersion()).startsWith("2.10");
  }

  @Test
  void setThreads_zero_isRejected() {
    assertThatThrownBy(() -> Torch.setThreads(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aten=0");
  }
}

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
  void load_withoutUserSetting_makesOpenMpWaitPassiveForTheNativeLibraries() throws Throwable {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("OMP_WAIT_POLICY") == null,
        "the user's own OMP_WAIT_POLICY is respected");
    Torch.load();
    var linker = java.lang.foreign.Linker.nativeLinker();
    var getenv = linker.downcallHandle(linker.defaultLookup().find("getenv").orElseThrow(),
        java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.ADDRESS,
            java.lang.foreign.ValueLayout.ADDRESS));
    try (var arena = java.lang.foreign.Arena.ofConfined()) {
      var value = (java.lang.foreign.MemorySegment) getenv.invokeExact(arena.allocateFrom("OMP_WAIT_POLICY"));
      assertThat(value.address()).isNotZero();
      assertThat(value.reinterpret(64).getString(0)).isEqualTo("PASSIVE");
    }
  }

  @Test
  void setThreads_zero_isRejected() {
    assertThatThrownBy(() -> Torch.setThreads(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aten=0");
  }
}

package io.github.mae4j.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MallocTuningTest {
  @Test
  void tune_isAcceptedByGlibc_andFaultsAreCounted() {
    assumeThat(Files.isRegularFile(Path.of("/proc/self/stat"))).as("Linux").isTrue();
    long before = MallocTuning.minorFaults();
    assertThat(before).isPositive();
    byte[][] touch = new byte[64][];
    for (int i = 0; i < touch.length; i++) {
      touch[i] = new byte[1 << 16];
    }
    assertThat(MallocTuning.minorFaults()).isGreaterThanOrEqualTo(before);
    assertThat(MallocTuning.tune()).as("mallopt(M_MMAP_THRESHOLD, 32 MiB) and (M_TRIM_THRESHOLD, 1 GiB)").isTrue();
  }

  @Test
  void anUnknownSetting_isRefusedNamingTheValues() {
    System.setProperty("mae4j.malloc", "fast");
    try {
      assertThatThrownBy(MallocTuning::apply).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tuned or default").hasMessageContaining("'fast'");
    } finally {
      System.clearProperty("mae4j.malloc");
    }
  }
}

package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.internal.MeasuredChoices;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuBf16MeasureTest {
  @TempDir Path cache;

  @AfterEach
  void clear() {
    System.clearProperty("mae4j.cacheDir");
  }

  @Test
  void decide_measuresOnAFreshMachine_remembersIt_andSaysWhatItMeasured() throws Exception {
    System.setProperty("mae4j.cacheDir", cache.toString());
    CpuBf16.Decision first = CpuBf16.decide(Precision.BF16);
    assertThat(first.reason()).contains("measured now: bf16").contains("GFLOP/s, fp32");
    java.util.Properties p = new java.util.Properties();
    try (var r = Files.newBufferedReader(MeasuredChoices.file())) {
      p.load(r);
    }
    assertThat(p).hasSize(1);
    assertThat(p.keySet().iterator().next().toString()).startsWith("cpu bf16 matmul at least as fast as fp32|");
    assertThat(p.values()).containsExactly(first.precision() == Precision.BF16 ? "bf16" : "fp32");
    CpuBf16.Decision second = CpuBf16.decide(Precision.BF16);
    assertThat(second.precision()).isEqualTo(first.precision());
    assertThat(second.reason()).contains("measured earlier on this machine").contains(cache.toString());
  }
}

package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.CpuInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionKernelsTest {
  @TempDir Path cache;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  @AfterEach
  void clearProperties() {
    System.clearProperty("mae4j.attention");
    System.clearProperty("mae4j.cacheDir");
  }

  private static Tensor randn(long seed, long... shape) {
    return torch.randn(shape, new GeneratorOptional(torch.createCPUGenerator(seed))).requires_grad_(true);
  }

  @Test
  void bothKernels_giveTheSameOutputAndGradients() {
    try (PointerScope scope = new PointerScope()) {
      Tensor[] out = new Tensor[2];
      Tensor[][] grads = new Tensor[2][];
      for (AttentionKernels.Kernel kernel : AttentionKernels.Kernel.values()) {
        Tensor q = randn(1, 2, 3, 17, 8);
        Tensor k = randn(2, 2, 3, 17, 8);
        Tensor v = randn(3, 2, 3, 17, 8);
        Tensor o = AttentionKernels.compute(kernel, q, k, v);
        o.mul(randn(4, 2, 3, 17, 8).detach()).sum().backward();
        out[kernel.ordinal()] = o.detach();
        grads[kernel.ordinal()] = new Tensor[] {q.grad(), k.grad(), v.grad()};
      }
      assertThat(out[0].sub(out[1]).abs().max().item_float()).isLessThan(1e-5f);
      assertThat(out[0].abs().max().item_float()).isGreaterThan(0.1f);
      for (int i = 0; i < 3; i++) {
        assertThat(grads[0][i].sub(grads[1][i]).abs().max().item_float()).as("gradient %d", i).isLessThan(2e-5f);
      }
    }
  }

  @Test
  void auto_measuresOncePerShape_andRemembersTheChoiceOnDisk() throws Exception {
    System.setProperty("mae4j.cacheDir", cache.toString());
    try (PointerScope scope = new PointerScope()) {
      // a shape no other test uses, so that this process has not chosen for it yet
      Tensor q = randn(5, 3, 5, 23, 8);
      AttentionKernels.Kernel first = AttentionKernels.kernelFor(q);
      assertThat(AttentionKernels.kernelFor(q)).isSameAs(first);
      Path file = cache.resolve("measured-choices.properties");
      assertThat(file).isRegularFile();
      Properties p = new Properties();
      try (var r = Files.newBufferedReader(file)) {
        p.load(r);
      }
      String key = AttentionKernels.key(q.device().type(), ScalarType.Float, false, true, 3, 5, 23, 8);
      assertThat(key).contains(CpuInfo.read().model().replace(':', ' ')).contains("B3 H5 T23 d8").contains("train");
      assertThat(p.getProperty("attention " + key)).isEqualTo(first.name());
      assertThat(AttentionKernels.chosen()).containsEntry(key, first);
    }
  }

  @Test
  void aRememberedChoice_isUsedWithoutMeasuring() throws Exception {
    System.setProperty("mae4j.cacheDir", cache.toString());
    try (PointerScope scope = new PointerScope()) {
      Tensor q = randn(6, 1, 2, 29, 4);
      String key = "attention " + AttentionKernels.key(q.device().type(), ScalarType.Float, false, true, 1, 2, 29,
          4);
      // the file says EXPLICIT (as a measurement on another run would have): it is taken as it is
      Properties p = new Properties();
      p.setProperty(key, "EXPLICIT");
      try (var w = Files.newBufferedWriter(cache.resolve("measured-choices.properties"))) {
        p.store(w, null);
      }
      assertThat(AttentionKernels.kernelFor(q)).isEqualTo(AttentionKernels.Kernel.EXPLICIT);
    }
  }

  @Test
  void forced_bySystemProperty_andRejectsUnknownValues() {
    try (PointerScope scope = new PointerScope()) {
      Tensor q = randn(7, 1, 1, 3, 4);
      System.setProperty("mae4j.attention", "explicit");
      assertThat(AttentionKernels.kernelFor(q)).isEqualTo(AttentionKernels.Kernel.EXPLICIT);
      System.setProperty("mae4j.attention", "SDPA");
      assertThat(AttentionKernels.kernelFor(q)).isEqualTo(AttentionKernels.Kernel.SDPA);
      System.setProperty("mae4j.attention", "flash");
      assertThatThrownBy(() -> AttentionKernels.kernelFor(q))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("auto, sdpa or explicit").hasMessageContaining("'flash'");
    }
  }
}

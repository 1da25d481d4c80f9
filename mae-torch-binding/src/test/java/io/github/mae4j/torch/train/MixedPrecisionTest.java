package io.github.mae4j.torch.train;

import static io.github.mae4j.torch.train.TrainerFixtures.DIM;
import static io.github.mae4j.torch.train.TrainerFixtures.SIDE;
import static io.github.mae4j.torch.train.TrainerFixtures.plan;
import static io.github.mae4j.torch.train.TrainerFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixedPrecisionTest {
  @TempDir Path dir;

  // these tests are about the bf16 path itself: keep it whatever CpuBf16 would measure on this CPU
  @BeforeAll
  static void forceBf16() {
    System.setProperty("mae4j.cpuBf16", "force");
  }

  @AfterAll
  static void measureAgain() {
    System.clearProperty("mae4j.cpuBf16");
  }

  private static final class Messages implements ProgressReporter {
    final List<String> lines = new ArrayList<>();

    @Override
    public void update(Snapshot s) {}

    @Override
    public void message(String text) {
      lines.add(text);
    }

    @Override
    public void finish() {}
  }

  @Test
  void bf16OnACpuWhereItDoesNotPay_runsFp32_sayingSo() throws Exception {
    Torch.load();
    System.setProperty("mae4j.cpuBf16", "measure");
    System.setProperty("mae4j.cacheDir", dir.resolve("cache").toString());
    try {
      // as a measurement on a CPU without AMX / AVX-512 BF16 would have left it
      String key = "cpu bf16 matmul at least as fast as fp32|" + io.github.mae4j.torch.internal.CpuInfo.read().model()
          + "|torch " + Torch.libtorchVersion();
      java.util.Properties p = new java.util.Properties();
      p.setProperty(key, "fp32");
      java.nio.file.Files.createDirectories(dir.resolve("cache"));
      try (var w = java.nio.file.Files.newBufferedWriter(dir.resolve("cache/measured-choices.properties"))) {
        p.store(w, null);
      }
      CpuBf16.Decision d = CpuBf16.decide(Precision.BF16);
      assertThat(d.precision()).isEqualTo(Precision.FP32);
      assertThat(d.reason()).contains("bf16 was asked for").contains("running fp32").contains("mae4j.cpuBf16=force");

      List<Double> fp32 = losses(Precision.FP32, dir.resolve("a"));
      List<Double> asked = new ArrayList<>();
      Messages messages = new Messages();
      try (ToyModel m = new ToyModel(DIM, 1);
          Trainer t = new Trainer(plan(), m, new RandomData(8, 5, SIDE, 3),
              settings(dir.resolve("b")).withPrecision(Precision.BF16).withMaxIterations(4), messages)) {
        t.onIteration((i, e, l, lr) -> asked.add(l));
        t.run();
      }
      assertThat(asked).isEqualTo(fp32); // fp32 ran, bit for bit
      assertThat(messages.lines).anySatisfy(l -> assertThat(l).startsWith("precision: bf16 was asked for"));

      p.setProperty(key, "bf16");
      try (var w = java.nio.file.Files.newBufferedWriter(dir.resolve("cache/measured-choices.properties"))) {
        p.store(w, null);
      }
      assertThat(CpuBf16.decide(Precision.BF16).precision()).isEqualTo(Precision.BF16);
      assertThat(CpuBf16.decide(Precision.FP32).precision()).isEqualTo(Precision.FP32);
      System.setProperty("mae4j.cpuBf16", "sometimes");
      assertThatThrownBy(() -> CpuBf16.decide(Precision.BF16)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("measure or force").hasMessageContaining("'sometimes'");
    } finally {
      System.setProperty("mae4j.cpuBf16", "force");
      System.clearProperty("mae4j.cacheDir");
    }
  }

  private List<Double> losses(Precision precision, Path out) throws Exception {
    List<Double> losses = new ArrayList<>();
    try (ToyModel m = new ToyModel(DIM, 1);
        Trainer t = new Trainer(plan(), m, new RandomData(8, 5, SIDE, 3),
            settings(out).withPrecision(precision).withMaxIterations(4), ProgressReporter.silent())) {
      t.onIteration((i, e, l, lr) -> losses.add(l));
      t.run();
      assertThat(m.weight.scalar_type().toString()).isEqualTo("Float");
    }
    return losses;
  }

  @Test
  void run_bf16AutocastOnCpu_lossesCloseToFp32ButComputedInBf16() throws Exception {
    Torch.load();
    List<Double> fp32 = losses(Precision.FP32, dir.resolve("a"));
    List<Double> bf16 = losses(Precision.BF16, dir.resolve("b"));
    assertThat(bf16).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(bf16.get(i)).isCloseTo(fp32.get(i), within(0.05 * fp32.get(i)));
    }
    assertThat(bf16).isNotEqualTo(fp32); // bf16 matmuls round differently
  }

  @Test
  void trainer_bf16OnCpu_givesAtenTheBlasThreadsForTheRunAndRestoresThem() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("MAE4J_THREADS") == null
        && System.getProperty("mae4j.threads") == null, "the user's thread count is respected");
    Torch.load();
    int aten = Torch.atenThreads();
    int blas = Torch.blasThreads();
    try {
      Torch.setThreads(1, 2);
      List<Integer> during = new ArrayList<>();
      try (ToyModel m = new ToyModel(DIM, 1);
          Trainer t = new Trainer(plan(), m, new RandomData(8, 5, SIDE, 3),
              settings(dir.resolve("t")).withPrecision(Precision.BF16).withMaxIterations(2),
              ProgressReporter.silent())) {
        t.onIteration((i, e, l, lr) -> during.add(torch.get_num_threads()));
        t.run();
      }
      assertThat(during).containsExactly(2, 2);
      assertThat(Torch.atenThreads()).isEqualTo(1);
      assertThat(torch.get_num_threads()).isEqualTo(1);
    } finally {
      Torch.setThreads(aten, blas);
    }
  }

  // (JavaCPP's ScalarType values are compared by name: instances from native calls are not the enum constants)
  @Test
  void autocast_bf16Region_matmulIsBf16InsideAndFloatAfter() {
    Torch.load();
    try (PointerScope ignored = new PointerScope()) {
      Tensor a = torch.ones(2, 2);
      try (Autocast ac = Autocast.enter(torch.DeviceType.CPU, Precision.BF16)) {
        assertThat(a.matmul(a).scalar_type().toString()).isEqualTo("BFloat16");
      }
      assertThat(a.matmul(a).scalar_type().toString()).isEqualTo("Float");
    }
  }

  @Test
  void trainer_fp16OnCpu_isRefusedNamingBf16() {
    Torch.load();
    try (ToyModel m = new ToyModel(DIM, 1)) {
      assertThatThrownBy(() -> new Trainer(plan(), m, new RandomData(8, 5, SIDE, 3),
          settings(dir).withPrecision(Precision.FP16), ProgressReporter.silent()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fp16").hasMessageContaining("bf16");
    }
  }

  @Test
  void lossScaler_infGradients_skipHalveAndGrowAfterInterval() {
    LossScaler s = new LossScaler(1024, 0, 3);
    s.update(false);
    assertThat(s.scale()).isEqualTo(512);
    s.update(true);
    s.update(true);
    assertThat(s.scale()).isEqualTo(512);
    s.update(true);
    assertThat(s.scale()).isEqualTo(1024);
    assertThat(s.goodSteps()).isZero();
  }
}

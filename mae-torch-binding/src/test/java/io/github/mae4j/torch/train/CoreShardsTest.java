package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.TestProperties;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.MeasuredChoices;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch split across the cores: the whole batch's gradients, the same every run, and failures that end. */
class CoreShardsTest {
  static final MaeConfig CONFIG = MaeConfig.builder().imageSize(8).patchSize(2).inChannels(1)
      .encoder(e -> e.embedDim(16).depth(2).numHeads(2))
      .decoder(d -> d.embedDim(16).depth(1).numHeads(2)).normPixLoss(true).build();

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  private static List<Tensor> trainable(PretrainModel m) {
    List<Tensor> all = new ArrayList<>(m.decayParameters());
    all.addAll(m.noDecayParameters());
    return all;
  }

  private static Tensor images(long n, long seed) {
    return torch.rand(new long[] {n, 1, 8, 8}, new GeneratorOptional(torch.createCPUGenerator(seed)));
  }

  /** Copies of the parameters' gradients (empty tensors where there is none). */
  private static List<float[]> gradients(List<Tensor> params) {
    List<float[]> out = new ArrayList<>();
    for (Tensor p : params) {
      Tensor g = p.grad();
      float[] a = new float[(int) p.numel()];
      if (g.defined()) {
        g.contiguous().data_ptr_float().get(a);
      }
      out.add(a);
    }
    return out;
  }

  private static double maxAbsDiff(List<float[]> a, List<float[]> b) {
    double d = 0;
    for (int i = 0; i < a.size(); i++) {
      for (int j = 0; j < a.get(i).length; j++) {
        d = Math.max(d, Math.abs(a.get(i)[j] - b.get(i)[j]));
      }
    }
    return d;
  }

  private static double maxAbs(List<float[]> a) {
    double m = 0;
    for (float[] x : a) {
      for (float v : x) {
        m = Math.max(m, Math.abs(v));
      }
    }
    return m;
  }

  @Test
  void forwardBackward_anySplit_givesTheWholeBatchLossAndGradients() {
    try (PretrainModel m = MaeModels.pretrainable(MaskedAutoencoder.create(CONFIG, 3));
        PointerScope ignored = new PointerScope()) {
      List<Tensor> params = trainable(m);
      Tensor x = images(6, 1);
      Tensor noise = m.sampleNoise(6, torch.createCPUGenerator(5));
      Tensor loss = m.lossWithNoise(x, noise);
      double whole = loss.item_double();
      loss.mul(new Scalar(0.5)).backward();
      List<float[]> expected = gradients(params);
      CoreShards.clearGradients(params);
      assertThat(maxAbs(expected)).isGreaterThan(1e-3);
      for (int shards : new int[] {2, 3, 4}) { // 4 shards of 6 images: 1, 2, 1, 2
        try (CoreShards split = CoreShards.create(shards, params)) {
          double got = split.forwardBackward(m, x, noise, Precision.FP32, 0.5).loss();
          assertThat(got).as("loss with %d shards", shards).isCloseTo(whole, org.assertj.core.data.Offset.offset(
              1e-6 * whole));
          List<float[]> grads = gradients(params);
          assertThat(maxAbsDiff(grads, expected)).as("gradients with %d shards", shards)
              .isLessThan(1e-6 * maxAbs(expected));
          CoreShards.clearGradients(params);
        }
      }
    }
  }

  @Test
  void forwardBackward_accumulatesOntoGradients_identicallyFromRunToRun() {
    try (PretrainModel m = MaeModels.pretrainable(MaskedAutoencoder.create(CONFIG, 4));
        CoreShards split = CoreShards.create(2, trainable(m));
        PointerScope ignored = new PointerScope()) {
      List<Tensor> params = trainable(m);
      Tensor a = images(4, 2);
      Tensor b = images(4, 3);
      Tensor na = m.sampleNoise(4, torch.createCPUGenerator(6));
      Tensor nb = m.sampleNoise(4, torch.createCPUGenerator(7));
      // two micro-batches of an accumulation window, whole
      m.lossWithNoise(a, na).mul(new Scalar(0.5)).backward();
      m.lossWithNoise(b, nb).mul(new Scalar(0.5)).backward();
      List<float[]> whole = gradients(params);
      CoreShards.clearGradients(params);
      List<List<float[]>> runs = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        split.forwardBackward(m, a, na, Precision.FP32, 0.5);
        split.forwardBackward(m, b, nb, Precision.FP32, 0.5);
        runs.add(gradients(params));
        CoreShards.clearGradients(params);
      }
      assertThat(maxAbsDiff(runs.get(0), whole)).isLessThan(1e-6 * maxAbs(whole));
      for (int r = 1; r < runs.size(); r++) {
        for (int i = 0; i < params.size(); i++) {
          assertThat(runs.get(r).get(i)).as("run %d, parameter %d", r, i).containsExactly(runs.get(0).get(i));
        }
      }
    }
  }

  @Test
  void forwardBackward_fewerImagesThanShards_runsOneShardPerImage() {
    try (PretrainModel m = MaeModels.pretrainable(MaskedAutoencoder.create(CONFIG, 5));
        CoreShards split = CoreShards.create(4, trainable(m));
        PointerScope ignored = new PointerScope()) {
      Tensor x = images(2, 4);
      Tensor noise = m.sampleNoise(2, torch.createCPUGenerator(8));
      double whole = m.lossWithNoise(x, noise).item_double();
      assertThat(split.forwardBackward(m, x, noise, Precision.FP32, 1.0).loss())
          .isCloseTo(whole, org.assertj.core.data.Offset.offset(1e-6 * whole));
      assertThat(gradients(trainable(m)).stream().allMatch(g -> g.length > 0)).isTrue();
    }
  }

  /** A model whose one-image shards fail: the error comes back, nothing hangs, the shards stay usable. */
  @Test
  void forwardBackward_oneShardFails_throwsItsErrorAndStaysUsable() {
    try (PretrainModel mae = MaeModels.pretrainable(MaskedAutoencoder.create(CONFIG, 6));
        PointerScope ignored = new PointerScope()) {
      PretrainModel failing = new Delegating(mae) {
        @Override
        public Tensor lossWithNoise(Tensor images, Tensor noise) {
          if (images.size(0) == 1) {
            throw new IllegalStateException("shard of one image refused");
          }
          return super.lossWithNoise(images, noise);
        }
      };
      try (CoreShards split = CoreShards.create(2, trainable(mae))) {
        Tensor noise3 = mae.sampleNoise(3, torch.createCPUGenerator(9));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(
            () -> split.forwardBackward(failing, images(3, 5), noise3, Precision.FP32, 1.0))
            .isInstanceOf(IllegalStateException.class).hasMessage("shard of one image refused"));
        Tensor noise4 = mae.sampleNoise(4, torch.createCPUGenerator(10));
        assertThat(split.forwardBackward(failing, images(4, 6), noise4, Precision.FP32, 1.0).loss()).isPositive();
      }
    }
  }

  @Test
  void forwardBackward_nonFiniteImage_reportsANonFiniteLoss() {
    try (PretrainModel m = MaeModels.pretrainable(MaskedAutoencoder.create(CONFIG, 7));
        CoreShards split = CoreShards.create(2, trainable(m));
        PointerScope ignored = new PointerScope()) {
      Tensor x = images(4, 7);
      x.select(0, 3).fill_(new Scalar(Double.NaN));
      Tensor noise = m.sampleNoise(4, torch.createCPUGenerator(11));
      assertThat(split.forwardBackward(m, x, noise, Precision.FP32, 1.0).loss()).isNaN();
    }
  }

  @Test
  void decide_settings_areObeyedAndCheckedAndMeasurementsRemembered() throws Exception {
    try (PretrainModel m = MaeModels.pretrainable(MaskedAutoencoder.create(CONFIG, 8));
        ToyModel toy = new ToyModel(16, 1);
        PointerScope ignored = new PointerScope()) {
      List<Tensor> params = trainable(m);
      Tensor x = images(6, 8);
      List<String> notices = new ArrayList<>();
      assertThat(CoreShards.decide(m, x, Precision.FP32, params, false, "off", notices::add).shards()).isEqualTo(1);
      assertThat(CoreShards.decide(m, x, Precision.FP32, params, false, "3", notices::add).shards()).isEqualTo(3);
      assertThat(CoreShards.decide(m, images(2, 1), Precision.FP32, params, false, "3", notices::add).shards())
          .isEqualTo(2);
      assertThat(CoreShards.decide(m, x, Precision.FP32, params, false, "1", notices::add).shards()).isEqualTo(1);
      assertThatThrownBy(() -> CoreShards.decide(m, x, Precision.FP32, params, false, "many", notices::add))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("measure, off or a number");
      assertThatThrownBy(() -> CoreShards.decide(m, x, Precision.FP32, params, false, "0", notices::add))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got '0'");
      assertThat(CoreShards.decide(toy, torch.rand(4, 1, 4, 4), Precision.FP32, trainable(toy), false, "2",
          notices::add).shards()).isEqualTo(1);
      CoreShards.Decision hooks = CoreShards.decide(m, x, Precision.FP32, params, true, "2", notices::add);
      assertThat(hooks.shards()).isEqualTo(1);
      assertThat(hooks.reason()).contains("Reducer");

      // measured: the answer is written down and given again without measuring
      Path cache = dir.resolve("cache");
      String before = System.getProperty("mae4j.cacheDir");
      System.setProperty("mae4j.cacheDir", cache.toString());
      try {
        CoreShards.Decision first = CoreShards.decide(m, x, Precision.FP32, params, false, "measure", notices::add);
        int cores = Math.max(Torch.blasThreads(), Torch.atenThreads());
        if (cores < 2) {
          assertThat(first.shards()).isEqualTo(1);
          return;
        }
        assertThat(first.reason()).contains("measured now");
        assertThat(notices).containsExactly("timing one batch whole and split into " + Math.min(cores, 6)
            + " shards, one per core (once per machine and configuration)");
        assertThat(first.shards()).isIn(1, Math.min(cores, 6));
        assertThat(Files.readString(MeasuredChoices.file())).contains("core\\ shards");
        CoreShards.Decision again = CoreShards.decide(m, x, Precision.FP32, params, false, "measure", notices::add);
        assertThat(again.shards()).isEqualTo(first.shards());
        assertThat(again.reason()).contains("measured earlier");
        assertThat(notices).as("no second measurement").hasSize(1);
        assertThat(gradients(params).stream().allMatch(g -> maxAbs(List.of(g)) == 0)).as("gradients left empty")
            .isTrue();
      } finally {
        TestProperties.restore("mae4j.cacheDir", before);
      }
    }
  }

  @Test
  void maxShardsForMemory_keepsTheExtraGradientsWithinAQuarterOfTheMemory() {
    long gib = 1L << 30;
    // ViT-B's 447 MB of parameters on this 24 GiB machine: 1 + 6 GiB / 447 MB
    assertThat(CoreShards.maxShardsForMemory(447_000_000L, 24 * gib)).isEqualTo(15);
    // ViT-H (632 M parameters, 2.5 GB) on a 16 GiB host: one extra shard only
    assertThat(CoreShards.maxShardsForMemory(2_528_000_000L, 16 * gib)).isEqualTo(2);
    assertThat(CoreShards.maxShardsForMemory(2_528_000_000L, 8 * gib)).isEqualTo(1);
    assertThat(CoreShards.maxShardsForMemory(1000, -1)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void balance_givesEveryParameterToExactlyOneCore() {
    try (PointerScope ignored = new PointerScope()) {
      List<Tensor> params = new ArrayList<>();
      long[] sizes = {100, 3, 50, 50, 7, 1, 99, 2};
      for (long s : sizes) {
        params.add(torch.zeros(s));
      }
      int[][] slices = CoreShards.balance(params, 3);
      List<Integer> seen = new ArrayList<>();
      long[] load = new long[3];
      for (int p = 0; p < 3; p++) {
        for (int i : slices[p]) {
          seen.add(i);
          load[p] += sizes[i];
        }
      }
      assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
      long max = Math.max(load[0], Math.max(load[1], load[2]));
      long min = Math.min(load[0], Math.min(load[1], load[2]));
      assertThat(max - min).isLessThanOrEqualTo(100);
    }
  }

  private static final TrainingPlan PLAN = new TrainingPlan("tiny-mae", 2, 0.5, 5e-3, 1e-4, 0.05, 0.9, 0.95, 1e-8, 2,
      OptionalDouble.of(1.0), 11, "{}");
  private static final RandomData DATA = new RandomData(6, 4, 8, 2);

  private List<Double> train(Path out, String shards) throws Exception {
    return TestProperties.with("mae4j.cpuShards", shards, () -> {
      List<Double> losses = new ArrayList<>();
      try (PretrainModel m = MaeModels.pretrainable(MaskedAutoencoder.create(CONFIG, 12));
          Trainer t = new Trainer(PLAN, m, DATA, TrainerFixtures.settings(out), ProgressReporter.silent())) {
        t.onIteration((i, e, l, lr) -> losses.add(l));
        t.run();
      }
      return losses;
    });
  }

  @Test
  void trainer_splitBatches_followTheWholeBatchRunAndRepeatExactly() throws Exception {
    List<Double> whole = train(dir.resolve("whole"), "off");
    List<Double> split = train(dir.resolve("split"), "2");
    List<Double> again = train(dir.resolve("again"), "2");
    assertThat(whole).hasSize(8);
    assertThat(split).hasSize(8);
    for (int i = 0; i < whole.size(); i++) {
      assertThat(split.get(i)).as("iteration %d", i).isCloseTo(whole.get(i),
          org.assertj.core.data.Offset.offset(1e-5 * whole.get(i)));
    }
    assertThat(again).containsExactlyElementsOf(split);
  }


  /** Forwards everything to a model (tests override one method). */
  private static class Delegating implements PretrainModel {
    private final PretrainModel m;

    Delegating(PretrainModel m) {
      this.m = m;
    }

    @Override
    public Tensor loss(Tensor images, Generator maskNoise) {
      return m.loss(images, maskNoise);
    }

    @Override
    public Tensor lossWithNoise(Tensor images, Tensor noise) {
      return m.lossWithNoise(images, noise);
    }

    @Override
    public Tensor sampleNoise(long n, Generator generator) {
      return m.sampleNoise(n, generator);
    }

    @Override
    public boolean splitsAcrossCores() {
      return true;
    }

    @Override
    public List<Tensor> decayParameters() {
      return m.decayParameters();
    }

    @Override
    public List<Tensor> noDecayParameters() {
      return m.noDecayParameters();
    }

    @Override
    public Map<String, Tensor> namedTensors() {
      return m.namedTensors();
    }

    @Override
    public void train(boolean on) {
      m.train(on);
    }

    @Override
    public void close() {}
  }
}

package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.PythonReference;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.TensorData;
import io.github.mae4j.torch.io.pth.PyOrderedDict;
import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Training parity: mae4j's {@link Trainer} and the PyTorch loop of {@code tools/training_parity/pretrain_reference.py}
 * start from the same weights (an official-layout {@code .pth} written here), see the same batches in the same order
 * and draw the same masks (the seeded CPU generator is bit-identical in both), and must give the same loss at every
 * iteration and the same weights at the end. What the loop exercises: AdamW (β1 ≠ β2, a decay and a no-decay
 * group), per-iteration warmup then cosine, gradient accumulation, norm-pix and raw-pixel losses.
 *
 * <p>Tolerances: each loss within 1e-5 relative; every final tensor within 1e-5 · max |w| of it. The two sides run
 * different kernels (libtorch 2.10's SDPA against attention written out, other GEMM blocking), ~1e-7 relative
 * per step; Adam's normalized updates keep that from growing past ~1e-6 over 50 steps at these sizes.
 */
class PretrainParityTest {
  @TempDir Path dir;

  record Case(String name, int channels, boolean normPix, int accumulation, int epochs, int batchesPerEpoch) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(new Case("rgb-normpix-50-steps", 3, true, 1, 10, 5)),
        Arguments.of(new Case("gray-rawpix-accumulation-2", 1, false, 2, 6, 4)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void trainer_sameWeightsDataAndMasks_matchesPyTorchLossesAndFinalWeights(Case c) throws Exception {
    assumeTrue(PythonReference.available(), "no Python with torch: the PyTorch reference cannot run");
    Torch.load();
    MaeConfig config = MaeConfig.builder()
        .imageSize(16)
        .patchSize(4)
        .inChannels(c.channels())
        .encoder(e -> e.embedDim(32).depth(2).numHeads(4))
        .decoder(d -> d.embedDim(16).depth(1).numHeads(2))
        .maskRatio(0.75)
        .normPixLoss(c.normPix())
        .build();
    int batch = 8;
    int steps = c.epochs() * c.batchesPerEpoch();
    TrainingPlan plan = new TrainingPlan("parity", c.epochs(), 2, 1e-3, 1e-5, 0.05, 0.9, 0.95, 1e-8,
        c.accumulation(), OptionalDouble.empty(), 11, "{}");

    Path input = dir.resolve("input.pth");
    Path output = dir.resolve("reference.pth");
    Path spec = dir.resolve("spec.json");
    List<Double> losses = new ArrayList<>();
    List<Double> lrs = new ArrayList<>();
    Map<String, float[]> javaFinal = new LinkedHashMap<>();
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(config, 5);
        PretrainModel model = MaeModels.pretrainable(mae);
        FixedBatches data = new FixedBatches(steps, batch, c.channels(), 16, c.batchesPerEpoch(), 23)) {
      try (PointerScope ignored = new PointerScope()) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("model", new PyOrderedDict(mae.stateDict()));
        tree.put("images", data.images);
        TorchCheckpoint.write(input, tree);
      }
      Files.writeString(spec, spec(config, plan, c.batchesPerEpoch()).toString());
      try (Trainer t = new Trainer(plan, model, data, TrainerFixtures.settings(dir.resolve("run")),
          ProgressReporter.silent())) {
        t.onIteration((i, e, loss, lr) -> {
          losses.add(loss);
          lrs.add(lr);
        });
        t.run();
      }
      try (PointerScope ignored = new PointerScope()) {
        mae.stateDict().forEach((k, v) -> javaFinal.put(k, TensorData.toFloatArray(v)));
      }
    }

    JsonNode ref = new ObjectMapper().readTree(PythonReference.run("training_parity/pretrain_reference.py",
        List.of(spec.toString(), input.toString(), output.toString()), 300));
    assertThat(losses).hasSize(steps);
    for (int i = 0; i < steps; i++) {
      double expected = ref.get("losses").get(i).asDouble();
      assertThat(lrs.get(i)).as("lr at iteration %d", i)
          .isCloseTo(ref.get("lrs").get(i).asDouble(), org.assertj.core.api.Assertions.within(1e-15));
      assertThat(Math.abs(losses.get(i) - expected) / Math.abs(expected))
          .as("relative loss difference at iteration %d (mae4j %s, PyTorch %s)", i, losses.get(i), expected)
          .isLessThanOrEqualTo(1e-5);
    }
    // training moved the weights: parity at the end is not parity of two untouched models
    assertThat(losses.get(steps - 1)).isLessThan(losses.get(0));
    try (PointerScope ignored = new PointerScope()) {
      Map<String, Tensor> pyFinal = TorchCheckpoint.readStateDict(output, null);
      assertThat(pyFinal.keySet()).containsExactlyInAnyOrderElementsOf(javaFinal.keySet());
      double lrSum = lrs.stream().mapToDouble(Double::doubleValue).sum();
      for (var e : javaFinal.entrySet()) {
        float[] py = TensorData.toFloatArray(pyFinal.get(e.getKey()));
        float[] jv = e.getValue();
        double maxAbs = max(py, 0, py.length, null);
        if (e.getKey().endsWith(".attn.qkv.bias")) {
          // The key bias has a gradient of exactly zero (softmax(q·(k + b)) = softmax(q·k + q·b), and q·b is the
          // same for every key of a query), so both sides only see rounding noise there (~1e-10), which Adam
          // divides by its own square root into steps of up to ~lr in random directions. Its values cannot agree
          // and do not matter; they are only checked to stay within Σ lr of each other. Query and value biases
          // are compared like every other tensor.
          int d = jv.length / 3;
          assertThat(max(py, 0, d, jv)).as("max |Δ| of %s (query part)", e.getKey()).isLessThanOrEqualTo(1e-5 * maxAbs);
          assertThat(max(py, d, 2 * d, jv)).as("max |Δ| of %s (key part)", e.getKey()).isLessThanOrEqualTo(lrSum);
          assertThat(max(py, 2 * d, 3 * d, jv)).as("max |Δ| of %s (value part)", e.getKey())
              .isLessThanOrEqualTo(1e-5 * maxAbs);
        } else {
          assertThat(max(py, 0, py.length, jv)).as("max |Δ| of %s (max |w| %s)", e.getKey(), maxAbs)
              .isLessThanOrEqualTo(1e-5 * maxAbs);
        }
      }
    }
  }

  /** max |a[i] − b[i]| over [from, to), or max |a[i]| when {@code b} is null. */
  static double max(float[] a, int from, int to, float @Nullable [] b) {
    double m = 0;
    for (int i = from; i < to; i++) {
      m = Math.max(m, Math.abs(a[i] - (b == null ? 0 : b[i])));
    }
    return m;
  }

  static ObjectNode spec(MaeConfig config, TrainingPlan plan, int batchesPerEpoch) {
    ObjectNode s = new ObjectMapper().createObjectNode();
    s.put("imageSize", config.getImageSize());
    s.put("patchSize", config.getPatchSize());
    s.put("inChannels", config.getInChannels());
    s.put("embedDim", config.getEncoder().getEmbedDim());
    s.put("depth", config.getEncoder().getDepth());
    s.put("numHeads", config.getEncoder().getNumHeads());
    s.put("mlpRatio", config.getEncoder().getMlpRatio());
    s.put("decoderEmbedDim", config.getDecoder().getEmbedDim());
    s.put("decoderDepth", config.getDecoder().getDepth());
    s.put("decoderNumHeads", config.getDecoder().getNumHeads());
    s.put("decoderMlpRatio", config.getDecoder().getMlpRatio());
    s.put("maskRatio", config.getMaskRatio());
    s.put("normPixLoss", config.isNormPixLoss());
    s.put("epochs", plan.epochs());
    s.put("warmupEpochs", plan.warmupEpochs());
    s.put("lr", plan.lr());
    s.put("minLr", plan.minLr());
    s.put("weightDecay", plan.weightDecay());
    s.put("beta1", plan.beta1());
    s.put("beta2", plan.beta2());
    s.put("eps", plan.eps());
    s.put("accumulationSteps", plan.accumulationSteps());
    s.put("seed", plan.seed());
    s.put("batchesPerEpoch", batchesPerEpoch);
    return s;
  }

  /** Batch i of epoch e is {@code images[e · batchesPerEpoch + i]}: the order the reference reads them in. */
  static final class FixedBatches implements TrainingData, AutoCloseable {
    final Tensor images;
    final int batch;
    final int perEpoch;

    FixedBatches(int steps, int batch, int channels, int side, int perEpoch, long seed) {
      try (Generator g = torch.createCPUGenerator(seed)) {
        // smooth-ish images (a per-image gradient plus noise) so that norm-pix targets are not pure noise
        Tensor noise = torch.randn(new long[] {steps, batch, channels, side, side}, new GeneratorOptional(g));
        Tensor ramp = torch.linspace(new org.bytedeco.pytorch.Scalar(-1.0), new org.bytedeco.pytorch.Scalar(1.0), side)
            .reshape(1, 1, 1, 1, side);
        this.images = noise.mul(new org.bytedeco.pytorch.Scalar(0.3)).add(ramp).contiguous();
        images.retainReference();
      }
      this.batch = batch;
      this.perEpoch = perEpoch;
    }

    @Override
    public long batchesPerEpoch() {
      return perEpoch;
    }

    @Override
    public int batchSize() {
      return batch;
    }

    @Override
    public Epoch epoch(int epoch, long firstBatch) {
      return new Epoch() {
        long next = firstBatch;

        @Override
        public @Nullable Tensor next() {
          return next < perEpoch ? images.get(epoch * perEpoch + next++).clone() : null;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public void close() {
      images.releaseReference();
    }
  }
}

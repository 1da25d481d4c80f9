package io.github.mae4j.torch.downstream.linprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.OptimizerSpec;
import io.github.mae4j.torch.data.Seeds;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.TrainingParity;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.eval.Evaluation;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training parity of {@link LinearProbe} with {@code tools/training_parity/linprobe_reference.py} (issue 19): from
 * the same official-format encoder checkpoint (loaded by name on both sides), probe initialization, data and order, 40 LARS steps (warmup + cosine, BatchNorm
 * without affine in train mode, cross-entropy) give the same per-step losses and the same final probe: weights,
 * bias and BatchNorm running statistics. Crop and flip are off, so the run is deterministic.
 */
class LinearProbeParityTest {
  /** Issue 19's bound: relative on each loss, and max|Δ| ≤ TOL·max|w| on each final tensor. */
  static final double TOL = 1e-5;

  static LinearProbeRecipe recipe(double weightDecay) {
    MaeConfig model = MaeConfig.builder().imageSize(8).patchSize(4).inChannels(3)
        .encoder(e -> e.embedDim(16).depth(2).numHeads(2)).decoder(d -> d.embedDim(8).depth(1).numHeads(2)).build();
    // 128 images in batches of 32: 4 steps an epoch, 10 epochs; lr 6.4, the paper's ViT-B probe rate. The bias
    // takes no trust ratio, so at that rate it follows the batches' label noise: with 8 classes and batches of 32 that
    // noise is small enough for float rounding to stay ~1e-6 of the bias (batches of 16 over 4 classes: ~6e-6)
    return LinearProbeRecipe.builder().model(model).normalization(Normalization.identity(3)).numClasses(8)
        .epochs(10).warmupEpochs(2).effectiveBatchSize(32).batchSizePerStep(32).baseLearningRate(51.2)
        .optimizer(OptimizerSpec.lars(weightDecay)).augmentation(Augmentation.none()).seed(13).build();
  }

  /** The reference protocol (features of each step's images by the frozen encoder) with the paper's wd 0. */
  @Test
  void trainAugmented_40LarsSteps_matchesPyTorchReference(@TempDir Path dir) throws Exception {
    assertParity(recipe(0.0), true, dir);
  }

  /** Features computed once (the path without crop/flip), with weight decay inside the trust ratio. */
  @Test
  void train_precomputedFeaturesWithWeightDecay_matchesPyTorchReference(@TempDir Path dir) throws Exception {
    assertParity(recipe(0.05), false, dir);
  }

  private static void assertParity(LinearProbeRecipe recipe, boolean augmented, Path dir) throws Exception {
    assumeTrue(TrainingParity.pythonAvailable(), "no Python with torch to run the reference");
    LabeledImages train = TrainingParity.toyImages(128, 3, 8, 8, 31);
    TrainingParity.Steps steps = new TrainingParity.Steps();
    TrainingParity.writePretrainedEncoder(dir.resolve("encoder.pth"), recipe.getModel(), 4);
    try (VitClassifier encoder = new VitClassifier(recipe.getModel(), recipe.getNumClasses(), Pooling.CLS_TOKEN, 0,
            0);
        LinearProbe probe = new LinearProbe(encoder.embedDim(), recipe.getNumClasses(), recipe.isHeadBatchNorm(),
            recipe.getSeed())) {
      assertThat(TrainingParity.loadEncoder(encoder, dir.resolve("encoder.pth")).missing())
          .containsExactly("head.weight", "head.bias");
      Map<String, Tensor> state = probe.namedTensors();
      Map<String, Tensor> initial = TrainingParity.snapshot(state);
      TorchCheckpoint.write(dir.resolve("probe.pth"), state);
      TrainingParity.writeData(dir.resolve("data.pth"), train);
      TrainingParity.JSON.writeValue(dir.resolve("spec.json").toFile(), spec(recipe));

      Tensor testFeatures = Evaluation.features(encoder, train.images().narrow(0, 0, 8), 8);
      Tensor testLabels = train.labels().narrow(0, 0, 8);
      if (augmented) {
        probe.trainAugmented(recipe, encoder, train, testFeatures, testLabels, e -> {}, RunDirectory.none(), steps);
      } else {
        Tensor features = Evaluation.features(encoder, train.images(), 64);
        probe.train(recipe, features, train.labels(), testFeatures, testLabels, e -> {}, RunDirectory.none(), steps);
      }

      JsonNode ref = TrainingParity.runReference("linprobe_reference.py", dir.resolve("spec.json"),
          dir.resolve("encoder.pth"), dir.resolve("probe.pth"), dir.resolve("data.pth"), dir.resolve("out.pth"));
      double[] losses = TrainingParity.doubles(steps.losses);
      double[] refLosses = TrainingParity.doubles(ref.get("losses"));
      assertThat(losses).hasSize(40).hasSameSizeAs(refLosses);
      assertThat(TrainingParity.doubles(steps.lrs))
          .containsExactly(TrainingParity.doubles(ref.get("lrs")), within(1e-15));
      double lossDev = TrainingParity.maxRelative(losses, refLosses);
      Map<String, Tensor> expected = TorchCheckpoint.readStateDict(dir.resolve("out.pth"), null);
      Map<String, Double> dev = TrainingParity.weightDeviations(state, expected);
      System.out.printf("LinearProbeParityTest augmented=%s wd=%s: max relative loss difference %.3g, weights %s%n",
          augmented, recipe.getOptimizer().getWeightDecay(), lossDev, dev);
      assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(state.keySet());
      assertThat(lossDev).as("max relative loss difference").isLessThanOrEqualTo(TOL);
      assertThat(dev).allSatisfy((name, d) -> assertThat(d).as(name).isLessThanOrEqualTo(TOL));
      // the comparison means something: the loss fell and every tensor moved, far more than the tolerance (LARS
      // with η = 0.001 grows the small initial head slowly: the loss falls by ~6 % in these 40 steps)
      assertThat(losses[39]).isLessThan((1 - 1000 * TOL) * losses[0]);
      assertThat(TrainingParity.weightDeviations(state, initial))
          .allSatisfy((name, d) -> assertThat(d).as(name + " moved").isGreaterThan(100 * TOL));
    }
  }

  static Map<String, Object> spec(LinearProbeRecipe recipe) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("model", TrainingParity.modelSpec(recipe.getModel()));
    s.put("num_classes", recipe.getNumClasses());
    s.put("global_pool", false);
    s.put("head_batch_norm", recipe.isHeadBatchNorm());
    s.put("epochs", recipe.getEpochs());
    s.put("warmup_epochs", recipe.getWarmupEpochs());
    s.put("lr", recipe.getLearningRate());
    s.put("min_lr", recipe.getMinLearningRate());
    s.put("batch_size", recipe.getEffectiveBatchSize());
    s.put("weight_decay", recipe.getOptimizer().getWeightDecay());
    s.put("momentum", recipe.getOptimizer().getMomentum());
    s.put("trust_coefficient", recipe.getOptimizer().getTrustCoefficient());
    // LinearProbe draws epoch e's order from torch.randperm with a CPU generator seeded Seeds.mix(seed, e)
    List<Long> seeds = new ArrayList<>();
    for (int e = 0; e < recipe.getEpochs(); e++) {
      seeds.add(Seeds.mix(recipe.getSeed(), e));
    }
    s.put("order_seeds", seeds);
    return s;
  }
}

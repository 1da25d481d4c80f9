package io.github.mae4j.torch.downstream.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.OptimizerSpec;
import io.github.mae4j.torch.data.Seeds;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.TrainingParity;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.vit.EncoderLoadReport;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training parity of {@link Finetuner} with {@code tools/training_parity/finetune_reference.py} (issue 19): from the
 * same initial weights (an official-format encoder checkpoint loaded by name, the classifier's own head), data and
 * order, 48 batches (24 AdamW updates with gradient accumulation 2)
 * under layer-wise lr decay, weight decay groups, warmup + cosine and label smoothing give the same per-step losses
 * and final weights. Drop path, mixup/cutmix, crops and erasing are off, so the run is deterministic.
 */
class FinetuneParityTest {
  /** Issue 19's bound: relative on each loss, and max|Δ| ≤ TOL·max|w| on each final tensor. */
  static final double TOL = 1e-5;

  static FinetuneRecipe recipe(boolean globalPool) {
    MaeConfig model = MaeConfig.builder().imageSize(8).patchSize(4).inChannels(3)
        .encoder(e -> e.embedDim(16).depth(2).numHeads(2)).decoder(d -> d.embedDim(8).depth(1).numHeads(2)).build();
    // 128 images in batches of 16, accumulated by 2: 8 batches and 4 updates an epoch, 6 epochs
    return FinetuneRecipe.builder().model(model).normalization(Normalization.identity(3)).numClasses(4)
        .epochs(6).warmupEpochs(1).effectiveBatchSize(32).batchSizePerStep(16).baseLearningRate(0.05)
        .minLearningRate(1e-5).layerDecay(0.75).dropPath(0).labelSmoothing(0.1).mixup(0).cutmix(0)
        .globalPool(globalPool).optimizer(OptimizerSpec.adamw(0.9, 0.999, 0.05)).seed(11)
        .augmentation(Augmentation.none()).build();
  }

  @ParameterizedTest(name = "globalPool={0}")
  @ValueSource(booleans = {true, false})
  void run_48BatchesLayerDecayLabelSmoothing_matchesPyTorchReference(boolean globalPool, @TempDir Path dir)
      throws Exception {
    assumeTrue(TrainingParity.pythonAvailable(), "no Python with torch to run the reference");
    FinetuneRecipe recipe = recipe(globalPool);
    LabeledImages train = TrainingParity.toyImages(128, 3, 8, 4, 21);
    TrainingParity.Steps steps = new TrainingParity.Steps();
    Path pretrained = dir.resolve("pretrained.pth");
    TrainingParity.writePretrainedEncoder(pretrained, recipe.getModel(), 5);
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      EncoderLoadReport load = TrainingParity.loadEncoder(m, pretrained);
      assertThat(load.missing()).containsExactlyInAnyOrderElementsOf(globalPool
          ? List.of("fc_norm.weight", "fc_norm.bias", "head.weight", "head.bias") : List.of("head.weight", "head.bias"));
      // the classifier as it starts (encoder from the checkpoint, fresh head and fc_norm) is the reference's start
      Map<String, Tensor> params = m.namedParameters();
      Map<String, Tensor> initial = TrainingParity.snapshot(params);
      TorchCheckpoint.writeStateDict(dir.resolve("init.pth"), params);
      TrainingParity.writeData(dir.resolve("data.pth"), train);
      TrainingParity.JSON.writeValue(dir.resolve("spec.json").toFile(), spec(recipe));

      Finetuner.run(m, recipe, train, train.head(8), OptionalDouble.empty(), false, e -> {}, RunDirectory.none(),
          steps);

      JsonNode ref = TrainingParity.runReference("finetune_reference.py", dir.resolve("spec.json"),
          dir.resolve("init.pth"), dir.resolve("data.pth"), dir.resolve("out.pth"));
      double[] losses = TrainingParity.doubles(steps.losses);
      double[] refLosses = TrainingParity.doubles(ref.get("losses"));
      assertThat(losses).hasSize(48).hasSameSizeAs(refLosses);
      assertThat(TrainingParity.doubles(steps.lrs))
          .containsExactly(TrainingParity.doubles(ref.get("lrs")), within(1e-15));
      double lossDev = TrainingParity.maxRelative(losses, refLosses);
      Map<String, Tensor> expected = TorchCheckpoint.readStateDict(dir.resolve("out.pth"), null);
      assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(params.keySet());
      Map<String, Double> dev = TrainingParity.weightDeviations(TrainingParity.splitQkvBias(params),
          TrainingParity.splitQkvBias(expected));
      Map<String, Double> moved = TrainingParity.weightDeviations(params, initial);
      // the attention key biases do not change the function (softmax cancels them) and receive only rounding
      // noise as gradient, which AdamW amplifies: compared apart, they must not matter (the losses agree)
      Map<String, Double> keyBias = new LinkedHashMap<>(dev);
      dev.keySet().removeIf(n -> n.endsWith("#k"));
      keyBias.keySet().retainAll(keyBias.keySet().stream().filter(n -> n.endsWith("#k")).toList());
      System.out.printf("FinetuneParityTest globalPool=%s: max relative loss difference %.3g, worst weight %s,"
          + " key biases (not compared) %s%n", globalPool, lossDev, worst(dev), keyBias);
      assertThat(lossDev).as("max relative loss difference").isLessThanOrEqualTo(TOL);
      assertThat(dev).allSatisfy((name, d) -> assertThat(d).as(name).isLessThanOrEqualTo(TOL));
      // the comparison means something: the run learned, and every tensor moved far more than the tolerance
      assertThat(losses[47]).isLessThan(0.8 * losses[0]);
      assertThat(moved).allSatisfy((name, d) -> assertThat(d).as(name + " moved").isGreaterThan(100 * TOL));
    }
  }

  static Map<String, Object> spec(FinetuneRecipe recipe) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("model", TrainingParity.modelSpec(recipe.getModel()));
    s.put("num_classes", recipe.getNumClasses());
    s.put("global_pool", recipe.isGlobalPool());
    s.put("epochs", recipe.getEpochs());
    s.put("warmup_epochs", recipe.getWarmupEpochs());
    s.put("lr", recipe.getLearningRate());
    s.put("min_lr", recipe.getMinLearningRate());
    s.put("batch_size", recipe.getBatchSizePerStep());
    s.put("accum_iter", recipe.getAccumulationSteps());
    s.put("betas", List.of(recipe.getOptimizer().getBeta1(), recipe.getOptimizer().getBeta2()));
    s.put("eps", recipe.getOptimizer().getEps());
    s.put("weight_decay", recipe.getOptimizer().getWeightDecay());
    s.put("layer_decay", recipe.getLayerDecay());
    s.put("smoothing", recipe.getLabelSmoothing());
    // FinetuneEpoch draws epoch e's order from torch.randperm with a CPU generator seeded Seeds.mix(seed, e, 1)
    List<Long> seeds = new ArrayList<>();
    for (int e = 0; e < recipe.getEpochs(); e++) {
      seeds.add(Seeds.mix(recipe.getSeed(), e, 1));
    }
    s.put("order_seeds", seeds);
    return s;
  }

  static String worst(Map<String, Double> deviations) {
    return deviations.entrySet().stream().max(Map.Entry.comparingByValue())
        .map(e -> String.format("%s %.3g", e.getKey(), e.getValue())).orElse("none");
  }
}

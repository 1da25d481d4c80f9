package io.github.mae4j.torch.downstream;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.OptimizerSpec;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.finetune.Finetuner;
import io.github.mae4j.torch.downstream.linprobe.LinearProbe;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.bytedeco.pytorch.Tensor;

/**
 * One rank of the tiny downstream runs of {@code DistributedDownstreamTest}: {@code finetune} or {@code linprobe}
 * (args[0]) as the rank its environment names, writing its {@link RankOutcome} to {@code args[1]/rank<r>.bin}.
 */
public final class DownstreamRankMain {
  private DownstreamRankMain() {}

  public static void main(String[] args) throws Exception {
    try (DistributedContext ctx = DistributedContext.fromEnvironment()) {
      RankOutcome o = switch (args[0]) {
        case "finetune" -> finetune(ctx);
        case "linprobe" -> linprobe(ctx);
        case "linprobe-augmented" -> linprobeAugmented(ctx);
        case "finetune-stop" -> finetuneStoppedAfterOneEpoch(ctx, Path.of(args[2]));
        case "finetune-resume" -> finetuneResumed(ctx, Path.of(args[2]));
        default -> throw new IllegalArgumentException("finetune, linprobe, linprobe-augmented, finetune-stop or finetune-resume, not "
            + args[0]);
      };
      o.write(Path.of(args[1]).resolve("rank" + ctx.rank() + ".bin"));
    }
    System.exit(0); // the process group's native threads must not keep the JVM alive
  }

  static MaeConfig tinyModel() {
    return MaeConfig.builder().imageSize(8).patchSize(4).inChannels(3)
        .encoder(e -> e.embedDim(16).depth(2).numHeads(2)).decoder(d -> d.embedDim(8).depth(1).numHeads(2)).build();
  }

  /**
   * Fine-tuning with everything random on: crop and flip, RandAugment, random erasing, mixup and cutmix (switching),
   * label smoothing, drop path; 64 images in global batches of 16 accumulated by 2, 3 epochs = 12 steps.
   */
  static FinetuneRecipe finetuneRecipe() {
    return FinetuneRecipe.builder().model(tinyModel()).normalization(Normalization.identity(3)).numClasses(4)
        .epochs(3).warmupEpochs(1).effectiveBatchSize(32).batchSizePerStep(16).baseLearningRate(0.05)
        .minLearningRate(1e-5).layerDecay(0.75).dropPath(0.3).labelSmoothing(0.1).mixup(0.8).cutmix(1.0)
        .mixupProb(1.0).mixupSwitchProb(0.5).optimizer(OptimizerSpec.adamw(0.9, 0.999, 0.05)).seed(7)
        .augmentation(Augmentation.builder().cropScaleMin(0.35).randAugment("rand-m9-mstd0.5-inc1")
            .randomErasing(0.5).build())
        .build();
  }

  public static RankOutcome finetune(DistributedContext ctx) {
    FinetuneRecipe recipe = finetuneRecipe();
    LabeledImages train = TrainingParity.toyImages(64, 3, 8, 4, 21);
    LabeledImages test = TrainingParity.toyImages(20, 3, 8, 4, 22);
    TrainingParity.Steps steps = new TrainingParity.Steps();
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      RunResult r = Finetuner.run(m, recipe, train, test, OptionalDouble.empty(), true, e -> {}, RunDirectory.none(),
          steps, ctx);
      return RankOutcome.of(steps.losses, r.top1(), m.namedParameters());
    }
  }

  /**
   * The paper's probe protocol on a tiny frozen encoder: every step's images cropped (scale 0.08–1) and flipped, then
   * encoded; 64 images in global batches of 32, 4 epochs = 8 steps.
   */
  public static RankOutcome linprobeAugmented(DistributedContext ctx) {
    LinearProbeRecipe recipe = linprobeRecipe().toBuilder().augmentation(Augmentation.linearProbe()).build();
    LabeledImages train = TrainingParity.toyImages(64, 3, 8, 4, 41);
    LabeledImages test = TrainingParity.toyImages(20, 3, 8, 4, 42);
    TrainingParity.Steps steps = new TrainingParity.Steps();
    try (VitClassifier encoder = new VitClassifier(tinyModel(), 4,
            io.github.mae4j.torch.downstream.vit.Pooling.CLS_TOKEN, 0, 3);
        LinearProbe probe = new LinearProbe(encoder.embedDim(), 4, true, recipe.getSeed())) {
      Tensor testFeatures = io.github.mae4j.torch.downstream.eval.Evaluation.features(encoder, test.images(), 20);
      RunResult r = probe.trainAugmented(recipe, encoder, train, testFeatures, test.labels(), e -> {},
          RunDirectory.none(), steps, ctx);
      return RankOutcome.of(steps.losses, r.top1(), probe.namedTensors());
    }
  }

  /** Thrown after the first epoch, once its checkpoint is written. */
  static final class Stop extends RuntimeException {
    Stop() {
      super("stopped after the first epoch", null, false, false);
    }
  }

  /** {@link #finetune} keeping its run in {@code runDir}, stopped after the first epoch (its checkpoint written). */
  public static RankOutcome finetuneStoppedAfterOneEpoch(DistributedContext ctx, Path runDir) {
    FinetuneRecipe recipe = finetuneRecipe();
    TrainingParity.Steps steps = new TrainingParity.Steps();
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      Finetuner.run(m, recipe, TrainingParity.toyImages(64, 3, 8, 4, 21), TrainingParity.toyImages(20, 3, 8, 4, 22),
          OptionalDouble.empty(), true, e -> {
            throw new Stop();
          }, RunDirectory.create(runDir, java.util.Map.of()), steps, ctx);
      throw new AssertionError("the run did not stop");
    } catch (Stop expected) {
      return RankOutcome.of(steps.losses, Double.NaN, java.util.Map.of());
    }
  }

  /** {@link #finetune} continuing the run kept in {@code runDir} (by any number of processes). */
  public static RankOutcome finetuneResumed(DistributedContext ctx, Path runDir) throws java.io.IOException {
    FinetuneRecipe recipe = finetuneRecipe();
    TrainingParity.Steps steps = new TrainingParity.Steps();
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      RunResult r = Finetuner.run(m, recipe, TrainingParity.toyImages(64, 3, 8, 4, 21),
          TrainingParity.toyImages(20, 3, 8, 4, 22), OptionalDouble.empty(), true, e -> {},
          RunDirectory.resume(runDir), steps, ctx);
      return RankOutcome.of(steps.losses, r.top1(), m.namedParameters());
    }
  }

  /** The linear probe with its BatchNorm head on toy features: 96 rows in global batches of 32, 4 epochs. */
  static LinearProbeRecipe linprobeRecipe() {
    return LinearProbeRecipe.builder().model(tinyModel()).normalization(Normalization.identity(3)).numClasses(4)
        .epochs(4).warmupEpochs(1).effectiveBatchSize(32).batchSizePerStep(32).baseLearningRate(2.0)
        .optimizer(OptimizerSpec.lars(0.05)).seed(5).augmentation(Augmentation.none()).build();
  }

  public static RankOutcome linprobe(DistributedContext ctx) {
    LinearProbeRecipe recipe = linprobeRecipe();
    LabeledImages data = TrainingParity.toyImages(96, 16, 1, 4, 31);
    LabeledImages test = TrainingParity.toyImages(20, 16, 1, 4, 32);
    // features [N, 16] with a large common offset, so BatchNorm's statistics matter
    Tensor features = data.images().reshape(96, 16).mul(new org.bytedeco.pytorch.Scalar(3.0))
        .add(new org.bytedeco.pytorch.Scalar(5.0));
    Tensor testFeatures = test.images().reshape(20, 16).mul(new org.bytedeco.pytorch.Scalar(3.0))
        .add(new org.bytedeco.pytorch.Scalar(5.0));
    TrainingParity.Steps steps = new TrainingParity.Steps();
    try (LinearProbe probe = new LinearProbe(16, 4, true, recipe.getSeed())) {
      RunResult r = probe.train(recipe, features, data.labels(), testFeatures, test.labels(), e -> {},
          RunDirectory.none(), steps, ctx);
      return RankOutcome.of(steps.losses, r.top1(), probe.namedTensors());
    }
  }
}

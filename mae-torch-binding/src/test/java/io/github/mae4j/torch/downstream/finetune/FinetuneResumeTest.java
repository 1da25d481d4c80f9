package io.github.mae4j.torch.downstream.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.Interpolation;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.ToyData;
import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import io.github.mae4j.torch.run.TrainingDivergedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FinetuneResumeTest {
  @TempDir Path dir;

  /** Thrown by a progress callback to stop a run after an epoch, as a kill would. */
  private static final class Stop extends RuntimeException {}

  /** The toy recipe with every random part on: crop + flip, RandAugment, erasing, mixup/cutmix, drop path. */
  static FinetuneRecipe recipe() {
    return FinetunerTest.toyRecipe().toBuilder().epochs(3).warmupEpochs(1).batchSizePerStep(16)
        .effectiveBatchSize(32).normalization(io.github.mae4j.api.recipe.Normalization.of(new double[] {0.5},
            new double[] {0.5}))
        .augmentation(Augmentation.builder().cropScaleMin(0.5).interpolation(Interpolation.BILINEAR)
            .randAugment("rand-m9-mstd0.5-inc1").randomErasing(0.25).build())
        .build();
  }

  private static Map<String, float[]> weights(VitClassifier m) {
    Map<String, float[]> out = new LinkedHashMap<>();
    m.namedParameters().forEach((k, v) -> out.put(k, Tensors.toFloatArray(v)));
    return out;
  }

  private static RunResult run(FinetuneRecipe recipe, LabeledImages train, RunDirectory rd,
      Consumer<EpochStats> progress, long modelSeed) {
    try (VitClassifier m = new VitClassifier(recipe.getModel(), recipe.getNumClasses(),
        io.github.mae4j.torch.downstream.vit.Pooling.AVERAGE, recipe.getDropPath(), modelSeed)) {
      return Finetuner.run(m, recipe, train, ToyData.halves(64, 9), OptionalDouble.of(0.9), true, progress, rd);
    }
  }

  @Test
  void run_stoppedAfterOneEpochThenResumed_endsWithTheUninterruptedWeights() throws IOException {
    FinetuneRecipe recipe = recipe();
    LabeledImages train = ToyData.halves(96, 1);
    Map<String, float[]> whole;
    RunResult a;
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      a = Finetuner.run(m, recipe, train, ToyData.halves(64, 9), OptionalDouble.of(0.9), true, e -> {},
          RunDirectory.create(dir.resolve("whole"), Map.of()));
      whole = weights(m);
    }
    Path stopped = dir.resolve("stopped");
    assertThatThrownBy(() -> run(recipe, train, RunDirectory.create(stopped, Map.of("note", "x")), e -> {
      throw new Stop();
    }, recipe.getSeed())).isInstanceOf(Stop.class);
    DownstreamCheckpoint after1 = RunDirectory.read(stopped);
    assertThat(after1.epochsDone()).isEqualTo(1);
    assertThat(after1.settings()).containsEntry("note", "x");
    assertThat(after1.extra().keySet()).allMatch(k -> k.startsWith("ema."));
    assertThat(after1.optimizer()).isNotEmpty();

    RunResult b;
    Map<String, float[]> resumed;
    // a model initialized differently: everything must come from the checkpoint
    try (VitClassifier m = new VitClassifier(recipe.getModel(), 2, io.github.mae4j.torch.downstream.vit.Pooling.AVERAGE,
        recipe.getDropPath(), 12345)) {
      b = Finetuner.run(m, recipe, train, ToyData.halves(64, 9), OptionalDouble.of(0.9), true, e -> {},
          RunDirectory.resume(stopped));
      resumed = weights(m);
    }
    assertThat(resumed.keySet()).containsExactlyElementsOf(whole.keySet());
    whole.forEach((k, v) -> assertThat(resumed.get(k)).as(k).containsExactly(v));
    assertThat(b.top1()).isEqualTo(a.top1());
    assertThat(b.epochs()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(b.epochs().get(i).trainLoss()).isEqualTo(a.epochs().get(i).trainLoss());
      assertThat(b.epochs().get(i).learningRate()).isEqualTo(a.epochs().get(i).learningRate());
    }
    List<MetricsRecord> lines = MetricsLog.read(stopped.resolve(RunDirectory.METRICS));
    assertThat(lines).extracting(MetricsRecord::epoch).containsExactly(0, 1, 2);
    assertThat(lines).extracting(MetricsRecord::loss)
        .containsExactly(a.epochs().get(0).trainLoss(), a.epochs().get(1).trainLoss(), a.epochs().get(2).trainLoss());
    // 96 images in batches of 16: 6 steps an epoch, so epoch lines end at iterations 5, 11, 17
    assertThat(lines).extracting(MetricsRecord::iter).containsExactly(5L, 11L, 17L);
    assertThat(RunDirectory.read(stopped).epochsDone()).isEqualTo(3);
  }

  @Test
  void run_resumeWithAnotherRecipeOrFrozenBlocks_throwsNamingTheDifference() throws IOException {
    FinetuneRecipe recipe = recipe().toBuilder().epochs(1).warmupEpochs(0).build();
    LabeledImages train = ToyData.halves(32, 2);
    run(recipe, train, RunDirectory.create(dir, Map.of()), e -> {}, 1);
    assertThatThrownBy(() -> run(recipe.withBaseLearningRate(0.5), train, RunDirectory.resume(dir), e -> {}, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another recipe")
        .hasMessageContaining("baseLearningRate");
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      m.freezeAllButLastBlocks(1);
      assertThatThrownBy(() -> Finetuner.run(m, recipe, train, train, OptionalDouble.of(0.9), true, e -> {},
          RunDirectory.resume(dir)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trains");
    }
    assertThatThrownBy(() -> run(recipe, train, RunDirectory.create(dir, Map.of()), e -> {}, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds a checkpoint");
  }

  @Test
  void run_checkpointWithGarbageOptimizerState_throwsIllegalArgumentNotANativeError() throws IOException {
    FinetuneRecipe recipe = recipe().toBuilder().epochs(1).warmupEpochs(0).build();
    LabeledImages train = ToyData.halves(32, 2);
    run(recipe, train, RunDirectory.create(dir, Map.of()), e -> {}, 1);
    Path f = dir.resolve("checkpoint-last.ckpt");
    DownstreamCheckpoint c = io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpointFile.read(f);
    io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpointFile.write(new DownstreamCheckpoint(c.kind(),
        c.epochsDone(), c.recipeJson(), c.identity(), c.settings(), c.stats(), c.trainable(), c.model(),
        new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, c.extra(), c.provenance()), f);
    assertThatThrownBy(() -> run(recipe, train, RunDirectory.resume(dir), e -> {}, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optimizer state")
        .satisfies(e -> assertThat(e.getMessage().lines().count()).isEqualTo(1));
  }

  @Test
  void resume_corruptOrMissingCheckpoint_throwsIoExceptionNamingTheFile() throws IOException {
    assertThatThrownBy(() -> RunDirectory.resume(dir.resolve("nope")))
        .isInstanceOf(IOException.class).hasMessageContaining("nope");
    Path bad = Files.createDirectories(dir.resolve("bad"));
    Files.write(bad.resolve("checkpoint-last.ckpt"), new byte[] {'P', 'K', 3, 4, 1, 2, 3});
    assertThatThrownBy(() -> RunDirectory.resume(bad))
        .isInstanceOf(IOException.class).hasMessageContaining("checkpoint-last.ckpt");
  }

  @Test
  void run_nonFiniteImagesAfterACheckpoint_stopsNamingTheEpochAndKeepsTheCheckpoint() throws IOException {
    FinetuneRecipe recipe = recipe();
    LabeledImages train = ToyData.halves(32, 3);
    assertThatThrownBy(() -> run(recipe, train, RunDirectory.create(dir, Map.of()), e -> {
      throw new Stop();
    }, 1)).isInstanceOf(Stop.class);
    Path ckpt = dir.resolve("checkpoint-last.ckpt");
    byte[] before = Files.readAllBytes(ckpt);
    Tensor poisoned = train.images().clone();
    poisoned.select(0, 5).fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
    LabeledImages bad = new LabeledImages(poisoned, train.labels());
    assertThatThrownBy(() -> run(recipe, bad, RunDirectory.resume(dir), e -> {}, 1))
        .isInstanceOf(TrainingDivergedException.class)
        .hasMessageContaining("NaN").hasMessageContaining("epoch 2").hasMessageContaining("checkpoint-last.ckpt");
    assertThat(Files.readAllBytes(ckpt)).isEqualTo(before);
  }
}

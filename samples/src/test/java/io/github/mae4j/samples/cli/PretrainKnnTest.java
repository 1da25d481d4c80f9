package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mae pretrain --knn-every}: k-NN accuracy recorded between epochs. */
class PretrainKnnTest {
  private final CliHarness cli = new CliHarness();

  @TempDir Path dir;

  private int run(String... args) {
    return cli.run(args);
  }

  /** A tiny synthetic-data recipe of {@code epochs} epochs of 2 iterations, written to a file. */
  private Path tinyRecipe(int epochs) throws java.io.IOException {
    PretrainRecipe tiny = PretrainRecipe.builder().name("cli-knn").dataset("synthetic")
        .model(MaeConfig.builder().imageSize(16).patchSize(4)
            .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
            .build())
        .epochs(epochs).warmupEpochs(1).imagesPerEpoch(32).effectiveBatchSize(16).batchSizePerStep(16)
        .baseLearningRate(1e-2).augmentation(Augmentation.none()).normalization(Normalization.imagenet()).build();
    Path recipe = dir.resolve("tiny.json");
    Files.writeString(recipe, RecipeIo.toJson(tiny));
    return recipe;
  }

  @Test
  void pretrain_knnEveryOne_recordsAccuracyInEveryEpochLine() throws Exception {
    Path recipe = tinyRecipe(2);
    Path runDir = dir.resolve("run");
    assertThat(run("pretrain", recipe.toString(), "--out", runDir.toString(), "--workers", "1", "--knn-every", "1",
        "--knn-bank", "36", "--knn-queries", "12", "--knn-k", "5")).as(cli.err()).isEqualTo(0);
    List<MetricsRecord> epochs = MetricsLog.read(runDir.resolve("metrics.jsonl")).stream()
        .filter(MetricsRecord::isEpoch).toList();
    assertThat(epochs).hasSize(2);
    assertThat(epochs).allSatisfy(r -> assertThat(r.knnTop1()).isNotNull().isBetween(0.0, 1.0));
  }

  @Test
  void resume_withoutKnnOptions_keepsTheMonitoringTheRunRecorded_andKnnEveryZeroStopsIt() throws Exception {
    Path recipe = tinyRecipe(3);
    Path runDir = dir.resolve("run");
    // epoch 1 (2 iterations), then stop
    assertThat(run("pretrain", recipe.toString(), "--out", runDir.toString(), "--workers", "1", "--knn-every", "1",
        "--knn-bank", "36", "--knn-queries", "12", "--knn-k", "5", "--max-steps", "2")).as(cli.err()).isEqualTo(0);
    assertThat(runDir.resolve("knn-monitoring.json")).exists();
    assertThat(run("resume", runDir.toString(), "--workers", "1", "--max-steps", "4")).as(cli.err()).isEqualTo(0);
    assertThat(run("resume", runDir.toString(), "--workers", "1", "--knn-every", "0")).as(cli.err()).isEqualTo(0);
    List<MetricsRecord> epochs = MetricsLog.read(runDir.resolve("metrics.jsonl")).stream()
        .filter(MetricsRecord::isEpoch).toList();
    assertThat(epochs).extracting(MetricsRecord::epoch).containsExactly(0, 1, 2);
    // epochs 1 and 2 measured (the second after a resume that named no k-NN option), epoch 3 not
    assertThat(epochs.get(0).knnTop1()).isNotNull();
    assertThat(epochs.get(1).knnTop1()).isNotNull();
    assertThat(epochs.get(2).knnTop1()).isNull();
    assertThat(runDir.resolve("knn-monitoring.json")).doesNotExist();
  }

  @Test
  void pretrain_negativeKnnEvery_exits2() {
    assertThat(run("pretrain", "quickstart", "--out", dir.toString(), "--knn-every", "-1")).isEqualTo(2);
    assertThat(cli.err()).contains("--knn-every must be >= 0");
  }
}

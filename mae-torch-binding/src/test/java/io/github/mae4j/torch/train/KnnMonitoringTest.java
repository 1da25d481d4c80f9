package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.knn.KnnMonitor;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** k-NN accuracy between pretraining epochs: recorded, shown, and without effect on training. */
class KnnMonitoringTest {
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  /** {@code n} 8×8 gray images: even indices dark (−1 ± 0.3), odd bright (+1 ± 0.3); label = parity. */
  static LabeledImages darkAndBright(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] px = new float[n * 64];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (int j = 0; j < 64; j++) {
        px[i * 64 + j] = (float) ((i % 2 == 0 ? -1 : 1) + 0.3 * (2 * r.nextDouble() - 1));
      }
    }
    return new LabeledImages(Tensors.floats(px, n, 1, 8, 8), Tensors.longs(labels, n));
  }

  /** Records messages and the k-NN value of every snapshot. */
  static final class Recorder implements ProgressReporter {
    final List<String> messages = new ArrayList<>();
    final List<Double> knnSeen = new ArrayList<>();

    @Override
    public void update(Snapshot s) {
      knnSeen.add(s.knnTop1());
    }

    @Override
    public void message(String text) {
      messages.add(text);
    }

    @Override
    public void finish() {}
  }

  private List<Double> train(Path out, boolean monitored, List<Boolean> trainingFlags, Recorder progress)
      throws Exception {
    List<Double> losses = new ArrayList<>();
    MaskedAutoencoder mae = MaskedAutoencoder.create(MaeTrainingTest.CONFIG, 1);
    try (PretrainModel m = MaeModels.pretrainable(mae);
        Trainer t = new Trainer(MaeTrainingTest.PLAN, m, MaeTrainingTest.DATA, TrainerFixtures.settings(out),
            progress)) {
      t.onIteration((i, e, l, lr) -> {
        losses.add(l);
        trainingFlags.add(mae.module().is_training());
      });
      if (monitored) {
        KnnMonitor monitor = new KnnMonitor(darkAndBright(40, 1), darkAndBright(20, 2), 2, 5, 0.07);
        t.monitorKnn(new KnnMonitoring(1, 40, 20, 5, 0.07), () -> monitor.evaluate(mae, 16).top1());
      }
      t.run();
    }
    return losses;
  }

  @Test
  void run_monitored_sameLossesAndKnnRecordedEveryEpoch() throws Exception {
    List<Boolean> flagsPlain = new ArrayList<>();
    List<Boolean> flagsMonitored = new ArrayList<>();
    Recorder plainProgress = new Recorder();
    Recorder progress = new Recorder();
    List<Double> plain = train(dir.resolve("plain"), false, flagsPlain, plainProgress);
    List<Double> monitored = train(dir.resolve("knn"), true, flagsMonitored, progress);

    assertThat(plain).hasSize(8);
    assertThat(monitored).containsExactlyElementsOf(plain);
    assertThat(flagsMonitored).hasSize(8).containsOnly(true);

    List<MetricsRecord> epochs = MetricsLog.read(dir.resolve("knn/metrics.jsonl")).stream()
        .filter(MetricsRecord::isEpoch).toList();
    assertThat(epochs).hasSize(2);
    for (MetricsRecord r : epochs) {
      assertThat(r.knnTop1()).isNotNull().isBetween(0.0, 1.0);
    }
    // dark vs bright is separable by any encoder's mean patch token
    assertThat(epochs.get(1).knnTop1()).isGreaterThanOrEqualTo(0.95);
    assertThat(MetricsLog.read(dir.resolve("plain/metrics.jsonl"))).allMatch(r -> r.knnTop1() == null);
    assertThat(Files.readString(dir.resolve("plain/metrics.jsonl"))).doesNotContain("knn");

    assertThat(progress.messages).filteredOn(m -> m.contains("k-NN top-1")).hasSize(2);
    assertThat(progress.knnSeen.get(0)).isNaN();
    assertThat(progress.knnSeen.get(7)).isEqualTo(epochs.get(0).knnTop1()); // the second epoch shows the first's
    assertThat(plainProgress.knnSeen).allMatch(v -> v.isNaN());
  }

  @Test
  void dueAfter_everyTwoOfFive_measuresAtTwoFourAndTheLast() {
    KnnMonitoring k = KnnMonitoring.every(2);
    assertThat(List.of(1, 2, 3, 4, 5).stream().filter(e -> k.dueAfter(e, 5)).toList()).containsExactly(2, 4, 5);
    assertThatThrownBy(() -> new KnnMonitoring(0, 10, 10, 5, 0.07))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every 0");
  }

  @Test
  void status_withKnn_showsItInThePercentOfTheProgressLine() {
    String line = ProgressReporter.status(new ProgressReporter.Snapshot(0, 2, 3, 8, 0.5, 1e-3, 10, 1, 1, 0.625));
    assertThat(line).endsWith("  knn 62.5%");
    assertThat(ProgressReporter.status(new ProgressReporter.Snapshot(0, 2, 3, 8, 0.5, 1e-3, 10, 1, 1)))
        .doesNotContain("knn");
  }

  private static PretrainRecipe recipe() {
    return PretrainRecipe.builder().name("knn-tiny").dataset("synthetic")
        .model(MaeConfig.builder().imageSize(16).patchSize(4).encoder(e -> e.embedDim(16).depth(1).numHeads(2))
            .decoder(d -> d.embedDim(16).depth(1).numHeads(2)).build())
        .epochs(2).warmupEpochs(1).effectiveBatchSize(16).batchSizePerStep(16)
        .augmentation(Augmentation.none()).normalization(Normalization.imagenet()).build();
  }

  @Test
  void open_synthetic_loadsLabelledBankAndQueriesOfTheModelsShape() throws Exception {
    KnnMonitor m = new KnnMonitoring(1, 30, 12, 5, 0.07).open(recipe(), "synthetic", 3);
    assertThat(m.bankSize()).isEqualTo(30);
    assertThat(m.querySize()).isEqualTo(12);
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(recipe().getModel(), 0)) {
      var acc = m.evaluate(mae, 8);
      assertThat(acc.total()).isEqualTo(12);
      assertThat(acc.top1()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void open_folderWithoutClasses_saysItNeedsLabels() throws Exception {
    Path flat = Files.createDirectories(dir.resolve("flat"));
    var img = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
    javax.imageio.ImageIO.write(img, "png", flat.resolve("a.png").toFile());
    javax.imageio.ImageIO.write(img, "png", flat.resolve("b.png").toFile());
    assertThatThrownBy(() -> KnnMonitoring.every(1).open(recipe(), flat.toString(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no class sub-folders");
  }

  @Test
  void metricsRecord_withKnn_roundTripsThroughTheLog() throws Exception {
    Path p = dir.resolve("m.jsonl");
    try (MetricsLog log = MetricsLog.create(p)) {
      log.append(MetricsRecord.epoch(0, 9, 0.5, 1e-3, 100, 2).withKnnTop1(0.625));
      log.append(MetricsRecord.epoch(1, 19, 0.4, 1e-3, 100, 4));
    }
    List<MetricsRecord> back = MetricsLog.read(p);
    assertThat(back.get(0).knnTop1()).isEqualTo(0.625);
    assertThat(back.get(1).knnTop1()).isNull();
    assertThat(Files.readAllLines(p).get(0)).contains("\"knn_top1\":0.625");
  }
}

package io.github.mae4j.torch.train;

import static io.github.mae4j.torch.train.TrainerFixtures.DIM;
import static io.github.mae4j.torch.train.TrainerFixtures.SIDE;
import static io.github.mae4j.torch.train.TrainerFixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.run.LossCurvePlot;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import io.github.mae4j.torch.run.ProgressReporter;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsAndPlotTest {
  @TempDir Path dir;

  @Test
  void run_logEveryTwo_writesIterationAndEpochLinesWithTheLossesAndLrsSeen() throws Exception {
    Torch.load();
    List<double[]> seen = new ArrayList<>();
    RunSummary summary;
    try (ToyModel m = new ToyModel(DIM, 1);
        Trainer t = new Trainer(plan(), m, new RandomData(8, 5, SIDE, 3),
            TrainerSettings.defaults(dir).withLogEvery(2), ProgressReporter.silent())) {
      t.onIteration((i, e, l, lr) -> seen.add(new double[] {i, e, l, lr}));
      summary = t.run();
    }
    List<MetricsRecord> records = MetricsLog.read(dir.resolve("metrics.jsonl"));
    List<MetricsRecord> iters = records.stream().filter(MetricsRecord::isIteration).toList();
    // every 2nd iteration (1, 3, 5, ...) plus the last of each epoch (4, 9, 14)
    assertThat(iters.stream().map(MetricsRecord::iter))
        .containsExactly(1L, 3L, 4L, 5L, 7L, 9L, 11L, 13L, 14L);
    for (MetricsRecord r : iters) {
      double[] s = seen.get((int) r.iter());
      assertThat(r.epoch()).isEqualTo((int) s[1]);
      assertThat(r.loss()).isEqualTo(s[2]);
      assertThat(r.lr()).isEqualTo(s[3]);
      assertThat(r.imagesPerSec()).isPositive();
    }
    assertThat(iters.stream().map(MetricsRecord::elapsedSec)).isSorted();
    List<MetricsRecord> epochs = records.stream().filter(MetricsRecord::isEpoch).toList();
    assertThat(epochs).hasSize(3);
    for (MetricsRecord r : epochs) {
      double mean = seen.stream().filter(s -> s[1] == r.epoch()).mapToDouble(s -> s[2]).average().orElseThrow();
      assertThat(r.loss()).isCloseTo(mean, within(1e-12));
      assertThat(r.iter()).isEqualTo(r.epoch() * 5L + 4);
    }
    // every line is one JSON object with the documented fields
    String first = Files.readAllLines(dir.resolve("metrics.jsonl")).getFirst();
    assertThat(first).startsWith("{").endsWith("}")
        .contains("\"kind\":\"iter\"", "\"epoch\":0", "\"iter\":1", "\"loss\":", "\"lr\":", "\"images_per_sec\":",
            "\"elapsed_sec\":");

    assertThat(summary.completed()).isTrue();
    assertThat(summary.iterations()).isEqualTo(15);
    assertThat(summary.imagesSeen()).isEqualTo(15 * 8);
    assertThat(summary.finalLoss()).isEqualTo(seen.getLast()[2]);
    assertThat(summary.written()).contains(dir.resolve("metrics.jsonl"), dir.resolve("loss.png"),
        dir.resolve("checkpoint-final.ckpt"), dir.resolve("checkpoint-last.ckpt"));
    BufferedImage png = ImageIO.read(dir.resolve("loss.png").toFile());
    assertThat(png.getWidth()).isEqualTo(LossCurvePlot.WIDTH);
    assertThat(png.getHeight()).isEqualTo(LossCurvePlot.HEIGHT);
  }

  @Test
  void write_records_producesDecodablePngOfRequestedSizeWithACurve() throws Exception {
    List<MetricsRecord> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      records.add(MetricsRecord.iteration(i / 10, i, 1.0 / (1 + i), 1e-3, 100, i));
    }
    records.add(MetricsRecord.epoch(0, 9, 0.5, 1e-3, 100, 10));
    Path png = dir.resolve("curve.png");
    LossCurvePlot.write(records, "test", png, 400, 300);
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(400);
    assertThat(img.getHeight()).isEqualTo(300);
    long coloured = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int b = rgb & 0xff;
        if (b > r + 60) {
          coloured++; // the blue loss line
        }
      }
    }
    assertThat(coloured).isGreaterThan(100);
  }

  @Test
  void resume_dropsLinesAtOrAfterResumeIteration() throws Exception {
    Path p = dir.resolve("m.jsonl");
    try (MetricsLog log = MetricsLog.create(p)) {
      for (int i = 0; i < 6; i++) {
        log.append(MetricsRecord.iteration(0, i, 1, 1, 1, i));
      }
    }
    try (MetricsLog log = MetricsLog.resume(p, 4)) {
      log.append(MetricsRecord.iteration(0, 4, 2, 1, 1, 0));
    }
    assertThat(MetricsLog.read(p).stream().map(MetricsRecord::iter)).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(MetricsLog.read(p).getLast().loss()).isEqualTo(2);
  }
}

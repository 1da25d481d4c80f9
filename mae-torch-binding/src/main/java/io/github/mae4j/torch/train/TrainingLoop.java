package io.github.mae4j.torch.train;

import io.github.mae4j.torch.run.LossCurvePlot;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import io.github.mae4j.torch.run.ProgressReporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/** One call of {@link Trainer#run()}: the epoch and iteration loops with their checkpoints, metrics and display. */
final class TrainingLoop {
  private final Trainer t;
  private final TrainerState s;
  private final int accum;
  private final long perEpoch;
  private final long stopAt;
  private final long startIteration;
  private final int world;
  private final long startNanos = System.nanoTime();
  private long lastCheckpointNanos = startNanos;
  private long windowNanos = startNanos;
  private long windowImages;
  private long epochNanos = startNanos;
  private long epochImages;
  private long imagesSeen;
  private double knnTop1 = Double.NaN;
  private final List<Path> written = new ArrayList<>();

  TrainingLoop(Trainer t) {
    this.t = t;
    this.s = t.state;
    this.accum = t.plan.accumulationSteps();
    this.perEpoch = t.data.batchesPerEpoch();
    long total = t.plan.epochs() * perEpoch;
    this.stopAt = t.settings.maxIterations() > 0 ? Math.min(total, t.settings.maxIterations()) : total;
    this.startIteration = s.iteration;
    this.world = t.dist == null ? 1 : t.dist.worldSize();
  }

  RunSummary run() throws IOException {
    Path metricsPath = t.settings.outDir().resolve("metrics.jsonl");
    boolean stoppedEarly = false;
    t.model.train(true);
    try (MetricsLog metrics = !t.writes() ? null : s.resumed || s.iteration > 0
        ? MetricsLog.resume(metricsPath, s.iteration) : MetricsLog.create(metricsPath)) {
      epochs:
      while (s.epoch < t.plan.epochs()) {
        if (s.batchInEpoch == 0) {
          s.epochLossSum = 0;
          s.epochLossCount = 0;
          t.optimizer.zeroGrad();
        }
        epochNanos = System.nanoTime();
        epochImages = 0;
        try (TrainingData.Epoch batches = t.data.epoch(s.epoch, s.batchInEpoch)) {
          while (s.batchInEpoch < perEpoch) {
            if (s.iteration >= stopAt && s.batchInEpoch % accum == 0) {
              stoppedEarly = true;
              break epochs;
            }
            iterate(batches, metrics);
            if (s.batchInEpoch % accum == 0 && timedCheckpointDue()) {
              remember(t.checkpoint(null));
            }
          }
        }
        endEpoch(metrics);
      }
      if (stoppedEarly) {
        remember(t.checkpoint(null));
        t.progress.message("stopped at iteration " + s.iteration + " (max iterations); resume from " + t.store.last());
      }
      if (t.writes()) {
        written.add(metricsPath);
      }
    } finally {
      t.progress.finish();
    }
    if (t.writes() && t.settings.plot() && Files.exists(metricsPath)) {
      Path png = t.settings.outDir().resolve("loss.png");
      List<MetricsRecord> records = MetricsLog.read(metricsPath);
      if (records.stream().anyMatch(MetricsRecord::isIteration)) {
        LossCurvePlot.write(records, t.plan.name() + " — loss", png);
        written.add(png);
      }
    }
    double wall = seconds(System.nanoTime() - startNanos);
    return new RunSummary(!stoppedEarly, s.epoch, s.iteration, imagesSeen, t.data.skippedFiles(), wall,
        imagesSeen / Math.max(wall, 1e-9), s.lastLoss, written.stream().distinct().toList());
  }

  private void iterate(TrainingData.Epoch batches, @Nullable MetricsLog metrics) {
    boolean update = (s.batchInEpoch + 1) % accum == 0;
    if (s.batchInEpoch % accum == 0) {
      s.lr = t.plan.lrAt(s.epoch + (double) s.batchInEpoch / perEpoch);
      t.setLr(s.lr);
    }
    double loss;
    int n;
    try (PointerScope ignored = new PointerScope()) {
      Tensor images = batches.next();
      if (images == null) {
        throw new IllegalStateException("the data ended at batch " + s.batchInEpoch + " of epoch " + s.epoch
            + ", expected " + perEpoch + " batches");
      }
      n = (int) images.size(0) * world;
      loss = t.step(images, t.dist == null ? null : batches.indices(), update);
    }
    s.lastLoss = loss;
    s.epochLossSum += loss;
    s.epochLossCount++;
    imagesSeen += n;
    windowImages += n;
    epochImages += n;
    long now = System.nanoTime();
    double elapsed = seconds(now - startNanos);
    boolean lastOfEpoch = s.batchInEpoch + 1 == perEpoch;
    if (metrics != null && ((s.iteration + 1) % t.settings.logEvery() == 0 || lastOfEpoch)) {
      metrics.append(MetricsRecord.iteration(s.epoch, s.iteration, loss, s.lr,
          windowImages / Math.max(seconds(now - windowNanos), 1e-9), elapsed));
      windowNanos = now;
      windowImages = 0;
    }
    long doneHere = s.iteration + 1 - startIteration;
    double eta = elapsed / doneHere * (stopAt - s.iteration - 1);
    t.progress.update(new ProgressReporter.Snapshot(s.epoch, t.plan.epochs(), s.iteration, stopAt, loss, s.lr,
        imagesSeen / Math.max(elapsed, 1e-9), elapsed, eta, knnTop1));
    s.iteration++;
    s.batchInEpoch++;
  }

  private void endEpoch(@Nullable MetricsLog metrics) throws IOException {
    long now = System.nanoTime();
    MetricsRecord line = MetricsRecord.epoch(s.epoch, s.iteration - 1, s.epochLossSum / Math.max(1, s.epochLossCount),
        s.lr, epochImages / Math.max(seconds(now - epochNanos), 1e-9), seconds(now - startNanos));
    if (t.knnProbe != null && t.knnSchedule != null && t.knnSchedule.dueAfter(s.epoch + 1, t.plan.epochs())) {
      // between epochs, outside any iteration scope: the probe scopes its own batches
      long t0 = System.nanoTime();
      knnTop1 = t.knnProbe.top1();
      line = line.withKnnTop1(knnTop1);
      t.progress.message(String.format(java.util.Locale.ROOT, "epoch %d/%d: k-NN top-1 %.2f %% (%.1f s)",
          s.epoch + 1, t.plan.epochs(), 100 * knnTop1, seconds(System.nanoTime() - t0)));
    }
    if (metrics != null) {
      metrics.append(line);
    }
    long skips = t.data.skippedIn(s.epoch);
    if (skips > 0) {
      t.progress.message(String.format(java.util.Locale.ROOT, "epoch %d/%d: %d unreadable image(s) skipped "
          + "(%d distinct files so far)", s.epoch + 1, t.plan.epochs(), skips, t.data.skippedFiles()));
    }
    s.epoch++;
    s.batchInEpoch = 0;
    s.epochLossSum = 0;
    s.epochLossCount = 0;
    int k = t.settings.checkpointEveryEpochs();
    if (s.epoch == t.plan.epochs()) {
      remember(t.checkpoint(t.store.fin()));
      if (t.writes()) {
        written.add(t.store.fin());
      }
    } else if (k > 0 && s.epoch % k == 0) {
      Path copy = t.store.epoch(s.epoch);
      remember(t.checkpoint(copy));
      if (t.writes()) {
        written.add(copy);
      }
    }
  }

  private boolean timedCheckpointDue() {
    double minutes = t.settings.checkpointEveryMinutes();
    return minutes > 0 && System.nanoTime() - lastCheckpointNanos >= minutes * 60e9;
  }

  private void remember(Path checkpoint) {
    lastCheckpointNanos = System.nanoTime();
    if (t.writes() && !written.contains(checkpoint)) {
      written.add(checkpoint);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}

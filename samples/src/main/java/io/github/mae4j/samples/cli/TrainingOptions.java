package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.train.KnnMonitoring;
import io.github.mae4j.torch.train.Precision;
import io.github.mae4j.torch.train.TrainerSettings;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options shared by {@code mae pretrain} and {@code mae resume}: how the run is carried out. */
final class TrainingOptions {
  @Option(names = "--device", paramLabel = "DEVICE", description = "cpu, cuda or cuda:N (default: cpu, or as recorded when resuming).")
  @Nullable String device;

  @Option(names = "--precision", paramLabel = "P", description = "fp32, bf16 (CPU or CUDA) or fp16 (CUDA, with loss scaling).")
  @Nullable String precision;

  @Option(names = "--max-steps", paramLabel = "N", description = "Stop (with a checkpoint) after N iterations in all; resume later with 'mae resume'.")
  long maxSteps;

  @Option(names = "--checkpoint-every", paramLabel = "EPOCHS", description = "Keep a checkpoint every EPOCHS epochs (default 1; 0: only the final one).")
  @Nullable Integer checkpointEvery;

  @Option(names = "--checkpoint-minutes", paramLabel = "MIN", description = "Also checkpoint every MIN minutes (default: off).")
  @Nullable Double checkpointMinutes;

  @Option(names = "--log-every", paramLabel = "N", description = "Write a metrics line every N iterations (default 10).")
  @Nullable Integer logEvery;

  @Option(names = "--workers", paramLabel = "N", description = "Data loading threads (default 2).")
  int workers = 2;

  @Option(names = "--knn-every", paramLabel = "EPOCHS",
      description = "Measure k-NN top-1 accuracy of the encoder every EPOCHS epochs and after the last (default 0: "
          + "off): labelled bank/queries from Fashion-MNIST train/test, synthetic shapes, or a folder's classes. "
          + "Shown in the progress line, recorded as knn_top1 in metrics.jsonl.")
  @Nullable Integer knnEvery;

  @Option(names = "--knn-bank", paramLabel = "N", description = "k-NN bank images (default 2000).")
  int knnBank = 2000;

  @Option(names = "--knn-queries", paramLabel = "N", description = "k-NN query images (default 500).")
  int knnQueries = 500;

  @Option(names = "--knn-k", paramLabel = "K", description = "k-NN neighbours (default 20, temperature 0.07).")
  int knnK = 20;

  /** The k-NN monitoring asked for, or null when {@code --knn-every} is 0. */
  @Nullable KnnMonitoring knn() {
    if (knnEvery != null && knnEvery < 0) {
      throw new IllegalArgumentException("--knn-every must be >= 0, got " + knnEvery);
    }
    return knnEvery == null || knnEvery == 0 ? null
        : new KnnMonitoring(knnEvery, knnBank, knnQueries, knnK, 0.07);
  }

  /** Whether {@code --knn-every 0} was given: a resumed run then stops the monitoring it recorded. */
  boolean knnSwitchedOff() {
    return knnEvery != null && knnEvery == 0;
  }

  /** {@code base} with the options that were given. */
  TrainerSettings apply(TrainerSettings base) {
    TrainerSettings s = base;
    if (device != null) {
      s = s.withDevice(device);
    }
    if (precision != null) {
      s = s.withPrecision(Precision.parse(precision));
    }
    if (maxSteps < 0) {
      throw new IllegalArgumentException("--max-steps must be >= 0, got " + maxSteps);
    }
    s = s.withMaxIterations(maxSteps);
    if (checkpointEvery != null) {
      s = s.withCheckpointEveryEpochs(checkpointEvery);
    }
    if (checkpointMinutes != null) {
      s = s.withCheckpointEveryMinutes(checkpointMinutes);
    }
    if (logEvery != null) {
      s = s.withLogEvery(logEvery);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
    }
    return s;
  }
}

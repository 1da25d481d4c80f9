package io.github.mae4j.torch.train;

import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a run did.
 *
 * @param completed whether every epoch ran (false when stopped early by {@code maxIterations})
 * @param epochsDone epochs finished
 * @param iterations global iterations done (including those before a resume)
 * @param imagesSeen images trained on in this process
 * @param skippedFiles files the data loader skipped because they could not be read
 * @param wallSeconds wall time of this process's run
 * @param imagesPerSecond training throughput of this process's run
 * @param finalLoss loss of the last iteration
 * @param written files written (checkpoints, metrics, plot)
 */
public record RunSummary(
    boolean completed,
    int epochsDone,
    long iterations,
    long imagesSeen,
    long skippedFiles,
    double wallSeconds,
    double imagesPerSecond,
    double finalLoss,
    List<Path> written) {

  public RunSummary {
    written = List.copyOf(written);
  }

  /** A few human-readable lines. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s: %d epochs, %d iterations, %d images in %s (%.1f images/s), "
            + "final loss %.4f, %d files skipped%n",
        completed ? "finished" : "stopped early", epochsDone, iterations, imagesSeen,
        ProgressReporter.duration(wallSeconds), imagesPerSecond, finalLoss, skippedFiles));
    for (Path p : written) {
      b.append("  wrote ").append(p).append(System.lineSeparator());
    }
    return b.toString();
  }
}

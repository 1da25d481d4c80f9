package io.github.mae4j.torch.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * How a run is carried out (not what it learns): where it writes, on which device and in which precision, how
 * often it checkpoints and logs, and where it stops early.
 *
 * @param outDir the run directory (checkpoints, metrics.jsonl, loss.png)
 * @param device {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param precision forward-pass arithmetic
 * @param checkpointEveryEpochs keep a checkpoint every this many epochs (0: only the final one and timed ones)
 * @param checkpointEveryMinutes also checkpoint when this many minutes passed since the last one (0: off)
 * @param logEvery write a metrics line every this many iterations (and the last of each epoch)
 * @param maxIterations stop (with a checkpoint) at the first optimizer-step boundary at or after this global
 *     iteration; 0 for no limit
 * @param plot write loss.png at the end
 * @param data where the images come from ({@code synthetic}, {@code fashion-mnist} or a folder), recorded in
 *     checkpoints so that a run resumes on the same data
 */
public record TrainerSettings(
    @JsonProperty("out_dir") Path outDir,
    @JsonProperty("device") String device,
    @JsonProperty("precision") Precision precision,
    @JsonProperty("checkpoint_every_epochs") int checkpointEveryEpochs,
    @JsonProperty("checkpoint_every_minutes") double checkpointEveryMinutes,
    @JsonProperty("log_every") int logEvery,
    @JsonProperty("max_iterations") long maxIterations,
    @JsonProperty("plot") boolean plot,
    @JsonProperty("data") String data) {

  public TrainerSettings {
    if (checkpointEveryEpochs < 0 || checkpointEveryMinutes < 0 || logEvery < 1 || maxIterations < 0) {
      throw new IllegalArgumentException("checkpointEveryEpochs (" + checkpointEveryEpochs
          + ") and checkpointEveryMinutes (" + checkpointEveryMinutes + ") must be >= 0, logEvery (" + logEvery
          + ") >= 1, maxIterations (" + maxIterations + ") >= 0");
    }
  }

  /** CPU, fp32, a checkpoint every epoch, a metrics line every 10 iterations, a plot at the end. */
  public static TrainerSettings defaults(Path outDir) {
    return new TrainerSettings(outDir, "cpu", Precision.FP32, 1, 0, 10, 0, true, "synthetic");
  }

  public TrainerSettings withDevice(String value) {
    return new TrainerSettings(outDir, value, precision, checkpointEveryEpochs, checkpointEveryMinutes, logEvery,
        maxIterations, plot, data);
  }

  public TrainerSettings withPrecision(Precision value) {
    return new TrainerSettings(outDir, device, value, checkpointEveryEpochs, checkpointEveryMinutes, logEvery,
        maxIterations, plot, data);
  }

  public TrainerSettings withCheckpointEveryEpochs(int value) {
    return new TrainerSettings(outDir, device, precision, value, checkpointEveryMinutes, logEvery, maxIterations,
        plot, data);
  }

  public TrainerSettings withCheckpointEveryMinutes(double value) {
    return new TrainerSettings(outDir, device, precision, checkpointEveryEpochs, value, logEvery, maxIterations,
        plot, data);
  }

  public TrainerSettings withLogEvery(int value) {
    return new TrainerSettings(outDir, device, precision, checkpointEveryEpochs, checkpointEveryMinutes, value,
        maxIterations, plot, data);
  }

  public TrainerSettings withMaxIterations(long value) {
    return new TrainerSettings(outDir, device, precision, checkpointEveryEpochs, checkpointEveryMinutes, logEvery,
        value, plot, data);
  }

  public TrainerSettings withPlot(boolean value) {
    return new TrainerSettings(outDir, device, precision, checkpointEveryEpochs, checkpointEveryMinutes, logEvery,
        maxIterations, value, data);
  }

  public TrainerSettings withData(String value) {
    return new TrainerSettings(outDir, device, precision, checkpointEveryEpochs, checkpointEveryMinutes, logEvery,
        maxIterations, plot, value);
  }

  public TrainerSettings withOutDir(Path value) {
    return new TrainerSettings(value, device, precision, checkpointEveryEpochs, checkpointEveryMinutes, logEvery,
        maxIterations, plot, data);
  }
}

package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.train.KnnMonitoring;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.train.PretrainRun;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mae resume}: continues a stopped or killed run from its newest checkpoint. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = {"Continue a pretraining run from a checkpoint, with the recipe, data and settings it recorded.",
        "The resumed run reproduces the losses an uninterrupted run would have had; k-NN monitoring",
        "continues as recorded (--knn-every N replaces it, --knn-every 0 stops it).",
        "Example: mae resume runs/quickstart-20261123-150000"})
final class ResumeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CHECKPOINT",
      description = "A checkpoint file (*.ckpt) or a run directory (its checkpoint-last.ckpt).")
  Path checkpoint;

  @Mixin TrainingOptions options = new TrainingOptions();

  @Override
  public Integer call() throws Exception {
    // the backend follows --device when given (a resumed CUDA run without it syncs through Gloo unless --backend nccl)
    try (DistributedContext job = JobContext.fromEnvironment(options.device != null ? options.device : "cpu")) {
      if (options.knnSwitchedOff() && JobContext.speaks(job)) {
        Files.deleteIfExists(CheckpointStore.resolve(checkpoint).toAbsolutePath().getParent()
            .resolve(KnnMonitoring.FILE));
      }
      PretrainRun.Result result = PretrainRun.resume(checkpoint, options::apply, options.workers,
          ProgressReporter.forStderr(10), options.knn(), job);
      if (JobContext.speaks(job)) {
        Report.print(result);
      }
    }
    return 0;
  }
}

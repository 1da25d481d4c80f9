package io.github.mae4j.samples.cli;

import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --output} and {@code --resume} of {@code mae finetune|linprobe}: a checkpoint and a metrics line after
 * every epoch, and continuing a stopped run with the recipe and options it recorded.
 */
final class RunDirOptions {
  @Option(names = "--output", paramLabel = "DIR",
      description = "Keep checkpoint-last.ckpt (replaced atomically after every epoch) and metrics.jsonl in DIR.")
  @Nullable Path output;

  @Option(names = "--resume", paramLabel = "DIR",
      description = "Continue the run kept in DIR after its last finished epoch, with the recipe and options it "
          + "recorded (the result equals an uninterrupted run's).")
  @Nullable Path resume;

  /**
   * Whether {@code --resume} was given, after checking that nothing contradicts it.
   *
   * @param others options given beside {@code --resume}, by name, null when absent: any present is an error
   */
  boolean resuming(Map<String, @Nullable Object> others) {
    if (resume == null) {
      return false;
    }
    if (output != null) {
      throw new IllegalArgumentException("--resume keeps writing into its own directory: drop --output");
    }
    others.forEach((name, value) -> {
      if (value != null && !Boolean.FALSE.equals(value)) {
        throw new IllegalArgumentException("--resume continues with the options the run recorded: drop " + name);
      }
    });
    return true;
  }
}

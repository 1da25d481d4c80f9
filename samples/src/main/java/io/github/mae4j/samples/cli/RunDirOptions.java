package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
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
   * The checkpoint to resume, read and checked to be of {@code kind}; empty without {@code --resume}.
   *
   * @param others options given beside {@code --resume}, by name, null when absent: any present is an error
   */
  Optional<DownstreamCheckpoint> resumed(String kind, Map<String, @Nullable Object> others) throws IOException {
    if (resume == null) {
      return Optional.empty();
    }
    if (output != null) {
      throw new IllegalArgumentException("--resume keeps writing into its own directory: drop --output");
    }
    others.forEach((name, value) -> {
      if (value != null && !Boolean.FALSE.equals(value)) {
        throw new IllegalArgumentException("--resume continues with the options the run recorded: drop " + name);
      }
    });
    DownstreamCheckpoint c = RunDirectory.read(resume);
    if (!kind.equals(c.kind())) {
      throw new IllegalArgumentException(resume + " holds a " + c.kind() + " run, not a " + kind + " run");
    }
    DownstreamOptions.log("resuming " + resume + " after epoch " + c.epochsDone());
    return Optional.of(c);
  }

  /** Where the run keeps its files: the resumed directory, {@code --output}, or nowhere. */
  RunDirectory directory(Map<String, String> settings) throws IOException {
    if (resume != null) {
      return RunDirectory.resume(resume);
    }
    return output == null ? RunDirectory.none() : RunDirectory.create(output, settings);
  }

  /** A recorded integer setting, or {@code fallback}. */
  static int intSetting(Map<String, String> settings, String key, int fallback) {
    String v = settings.get(key);
    return v == null || v.isEmpty() ? fallback : Integer.parseInt(v);
  }
}

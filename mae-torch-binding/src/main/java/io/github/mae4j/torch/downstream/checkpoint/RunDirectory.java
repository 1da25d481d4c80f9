package io.github.mae4j.torch.downstream.checkpoint;

import io.github.mae4j.torch.run.CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a fine-tuning or linear-probing run keeps its files, and whether it starts afresh or resumes: after every
 * epoch {@code checkpoint-last.ckpt} is replaced atomically and a line is added to {@code metrics.jsonl} (the names
 * pretraining uses, see {@link CheckpointStore}). {@link #none()} keeps nothing.
 */
public final class RunDirectory {
  /** The metrics file's name. */
  public static final String METRICS = "metrics.jsonl";

  private final @Nullable Path dir;
  private final boolean resume;
  private final Map<String, String> settings;
  private final boolean writes;

  private RunDirectory(@Nullable Path dir, boolean resume, Map<String, String> settings) {
    this(dir, resume, settings, true);
  }

  private RunDirectory(@Nullable Path dir, boolean resume, Map<String, String> settings, boolean writes) {
    this.dir = dir;
    this.resume = resume;
    this.settings = Map.copyOf(settings);
    this.writes = writes;
  }

  /**
   * The same directory for a process that reads it (the checkpoint to resume) but never writes into it: the ranks
   * of a data-parallel job other than rank 0.
   */
  public RunDirectory readOnly() {
    return new RunDirectory(dir, resume, settings, false);
  }

  /** Whether checkpoints and metrics are written (false for {@link #none()} and {@link #readOnly()}). */
  public boolean writes() {
    return dir != null && writes;
  }

  /** No files: the run lives in memory only. */
  public static RunDirectory none() {
    return new RunDirectory(null, false, Map.of());
  }

  /**
   * A new run writing into {@code dir} (created when missing), recording {@code settings} (free-form notes such as
   * command-line options) in every checkpoint.
   *
   * @throws IllegalArgumentException when {@code dir} already holds a checkpoint (resume it instead)
   */
  public static RunDirectory create(Path dir, Map<String, String> settings) {
    Path last = new CheckpointStore(dir).last();
    if (Files.exists(last)) {
      throw new IllegalArgumentException(dir + " already holds a checkpoint (" + last.getFileName()
          + "): resume that run, or choose another directory");
    }
    return new RunDirectory(dir, false, settings);
  }

  /**
   * Continues the run kept in {@code dir} after its last finished epoch, keeping the settings it recorded.
   *
   * @throws IOException when {@code dir} is not a directory or holds no readable checkpoint
   */
  public static RunDirectory resume(Path dir) throws IOException {
    return new RunDirectory(dir, true, read(dir).settings());
  }

  /**
   * The checkpoint of the run kept in {@code dir}: what a caller reads to learn the recipe and settings to resume
   * with.
   *
   * @throws IOException when {@code dir} is not a directory or holds no readable checkpoint
   */
  public static DownstreamCheckpoint read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("no run directory at " + dir);
    }
    return DownstreamCheckpointFile.read(CheckpointStore.resolve(dir));
  }

  public Optional<Path> path() {
    return Optional.ofNullable(dir);
  }

  public boolean isResume() {
    return resume;
  }

  /** The settings recorded with each checkpoint. */
  public Map<String, String> settings() {
    return settings;
  }

  /** The newest checkpoint's path, when files are kept. */
  public Optional<Path> checkpointFile() {
    return path().map(d -> new CheckpointStore(d).last());
  }

  /** The metrics file's path, when files are kept. */
  public Optional<Path> metricsFile() {
    return path().map(d -> d.resolve(METRICS));
  }

  @Override
  public String toString() {
    return dir == null ? "RunDirectory[none]"
        : "RunDirectory[" + dir + (resume ? ", resume" : "") + (writes ? "]" : ", read-only]");
  }
}

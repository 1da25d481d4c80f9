package io.github.mae4j.torch.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checkpoints of one run directory: {@code checkpoint-last.ckpt} (always the newest, replaced atomically),
 * {@code checkpoint-epoch-NNNN.ckpt} (kept at the periodic epoch boundaries) and {@code checkpoint-final.ckpt}.
 * A failed write never touches the previous file.
 */
public final class CheckpointStore {
  private final Path dir;

  public CheckpointStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** The newest checkpoint's path. */
  public Path last() {
    return dir.resolve("checkpoint-last" + CheckpointFile.EXTENSION);
  }

  /** The final checkpoint's path. */
  public Path fin() {
    return dir.resolve("checkpoint-final" + CheckpointFile.EXTENSION);
  }

  /** The path of the copy kept after {@code epochsDone} epochs. */
  public Path epoch(int epochsDone) {
    return dir.resolve(String.format(Locale.ROOT, "checkpoint-epoch-%04d%s", epochsDone, CheckpointFile.EXTENSION));
  }

  /** Writes {@code c} as the newest checkpoint and returns its path. */
  public Path saveLast(TrainingCheckpoint c) throws IOException {
    CheckpointFile.write(c, last());
    return last();
  }

  /** Writes {@code c} to {@code path} atomically. */
  public Path save(TrainingCheckpoint c, Path path) throws IOException {
    CheckpointFile.write(c, path);
    return path;
  }

  /**
   * The checkpoint a user means by {@code fileOrRunDir}: the file itself, or in a run directory
   * {@code checkpoint-last.ckpt}, else the most recently modified {@code *.ckpt}.
   *
   * @throws IOException when there is none
   */
  public static Path resolve(Path fileOrRunDir) throws IOException {
    if (Files.isRegularFile(fileOrRunDir)) {
      return fileOrRunDir;
    }
    if (!Files.isDirectory(fileOrRunDir)) {
      throw new IOException("no checkpoint file or run directory at " + fileOrRunDir);
    }
    Path last = new CheckpointStore(fileOrRunDir).last();
    if (Files.isRegularFile(last)) {
      return last;
    }
    try (Stream<Path> files = Files.list(fileOrRunDir)) {
      Optional<Path> newest = files
          .filter(p -> p.getFileName().toString().endsWith(CheckpointFile.EXTENSION))
          .filter(Files::isRegularFile)
          .max(Comparator.comparingLong(p -> p.toFile().lastModified()));
      return newest.orElseThrow(() -> new IOException(
          "run directory " + fileOrRunDir + " holds no checkpoint (*" + CheckpointFile.EXTENSION + ")"));
    }
  }
}

package io.github.mae4j.torch.run;

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
 * Writers go through {@link AtomicFiles}, so a failed write never touches the previous file. Pretraining and
 * fine-tuning/probing runs share these names.
 */
public final class CheckpointStore {
  /** The file name extension of mae4j checkpoints ({@code torch.save} zips with a versioned top-level dict). */
  public static final String EXTENSION = ".ckpt";

  private final Path dir;

  public CheckpointStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** The newest checkpoint's path. */
  public Path last() {
    return dir.resolve("checkpoint-last" + EXTENSION);
  }

  /** The final checkpoint's path. */
  public Path fin() {
    return dir.resolve("checkpoint-final" + EXTENSION);
  }

  /** The path of the copy kept after {@code epochsDone} epochs. */
  public Path epoch(int epochsDone) {
    return dir.resolve(String.format(Locale.ROOT, "checkpoint-epoch-%04d%s", epochsDone, EXTENSION));
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
          .filter(p -> p.getFileName().toString().endsWith(EXTENSION))
          .filter(Files::isRegularFile)
          .max(Comparator.comparingLong(p -> p.toFile().lastModified()));
      return newest.orElseThrow(() -> new IOException(
          "run directory " + fileOrRunDir + " holds no checkpoint (*" + EXTENSION + ")"));
    }
  }
}

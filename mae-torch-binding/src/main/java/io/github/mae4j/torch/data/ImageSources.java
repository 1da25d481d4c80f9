package io.github.mae4j.torch.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Opens the images a user names on the command line or in a run's settings: tar shards (a path ending in
 * {@code .tar}, with brace ranges as {@code data/shard-{000000..000127}.tar}: {@link TarShards}), a file list
 * ({@code .csv} or {@code .txt} of {@code path,label} lines: {@link FileListDataset}) or an image folder
 * ({@link ImageFolderDataset}).
 */
public final class ImageSources {
  private ImageSources() {}

  /** True when {@code spec} names something {@link #open} reads: shards or an existing folder. */
  public static boolean recognizes(String spec) {
    return ShardPattern.isShards(spec) || FileListDataset.isFileList(spec) || Files.isDirectory(Path.of(spec));
  }

  /**
   * The dataset {@code spec} names.
   *
   * @param log told one line per member skipped while opening shards
   * @throws IllegalArgumentException when it names nothing readable (the message says what was expected)
   */
  public static ImageDataset open(String spec, int channels, Consumer<String> log) throws IOException {
    if (ShardPattern.isShards(spec)) {
      return TarShards.open(spec, channels, log);
    }
    if (FileListDataset.isFileList(spec)) {
      return FileListDataset.open(Path.of(spec), channels, log);
    }
    Path dir = Path.of(spec);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no folder at " + dir.toAbsolutePath() + " (give an image folder, or tar "
          + "shards such as data/shard-{000000..000127}.tar)");
    }
    return ImageFolderDataset.open(dir, channels);
  }
}

package io.github.mae4j.torch.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Writes WebDataset tar shards {@code shard-000000.tar}, {@code shard-000001.tar}, … of {@code perShard} samples each:
 * per sample {@code key.jpg} or {@code key.png} (the encoded bytes as given, not re-encoded) and, when labelled,
 * {@code key.cls}. {@link #close()} finishes the last shard and writes {@code classes.txt} (one class name a line)
 * when classes were given. Shards are written to a temporary name and moved into place when complete.
 */
public final class ShardWriter implements AutoCloseable {
  private final Path dir;
  private final int perShard;
  private final List<String> classes;
  private final List<Path> written = new ArrayList<>();
  private @Nullable TarArchiveOutputStream tar;
  private @Nullable Path current;
  private int inShard;
  private long samples;
  private boolean closed;

  /**
   * @param classes class names in label order (empty: unlabelled samples)
   * @throws IllegalArgumentException when perShard is not positive
   */
  public ShardWriter(Path dir, int perShard, List<String> classes) throws IOException {
    if (perShard < 1) {
      throw new IllegalArgumentException("perShard must be >= 1, got " + perShard);
    }
    this.dir = Files.createDirectories(dir);
    this.perShard = perShard;
    this.classes = List.copyOf(classes);
  }

  /**
   * Adds one sample.
   *
   * @param extension {@code jpg}, {@code jpeg}, {@code png}, or a multi-band {@code tif}, {@code tiff} or
   *     {@code npy}
   * @param label the class (-1: none)
   */
  public void write(String key, String extension, byte[] encoded, int label) throws IOException {
    if (closed) {
      throw new IllegalStateException("shard writer is closed");
    }
    if (tar == null || inShard == perShard) {
      finishShard();
      current = dir.resolve(String.format(Locale.ROOT, "shard-%06d.tar", written.size()));
      OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial(current)), 1 << 16);
      tar = new TarArchiveOutputStream(out);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      inShard = 0;
    }
    put(key + "." + extension, encoded);
    if (label >= 0) {
      put(key + ".cls", Integer.toString(label).getBytes(StandardCharsets.US_ASCII));
    }
    inShard++;
    samples++;
  }

  private void put(String name, byte[] data) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  private static Path partial(Path shard) {
    return shard.resolveSibling(shard.getFileName() + ".partial");
  }

  private void finishShard() throws IOException {
    if (tar != null) {
      tar.close();
      Files.move(partial(current), current, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      written.add(current);
      tar = null;
    }
  }

  /** Shards finished so far. */
  public List<Path> shards() {
    return List.copyOf(written);
  }

  /** Samples written so far. */
  public long samples() {
    return samples;
  }

  /** The brace pattern naming every shard written ({@code dir/shard-{000000..000011}.tar}). */
  public String pattern() {
    int n = written.size();
    return n <= 1 ? dir.resolve("shard-000000.tar").toString()
        : dir.resolve(String.format(Locale.ROOT, "shard-{000000..%06d}.tar", n - 1)).toString();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    finishShard();
    closed = true;
    if (!classes.isEmpty()) {
      Files.write(dir.resolve("classes.txt"), classes, StandardCharsets.UTF_8);
    }
  }

  /**
   * Converts an image folder (labels from its class folders) to shards, the files in a seeded shuffled order so that
   * every shard mixes the classes; each file's bytes are copied, not decoded. Keys are the position in that order.
   *
   * @param progress told (done, total) after every file
   * @return the writer, closed, for its {@link #shards()} and {@link #pattern()}
   */
  public static ShardWriter fromFolder(ImageFolderDataset folder, Path out, int perShard, long seed,
      java.util.function.LongBinaryOperator progress) throws IOException {
    int n = folder.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] labels = folder.labels().orElseThrow();
    ShardWriter w = new ShardWriter(out, perShard, folder.classes());
    try (w) {
      for (int i = 0; i < n; i++) {
        Path file = folder.files().get(order[i]);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        w.write(String.format(Locale.ROOT, "%09d", i), ext, Files.readAllBytes(file), labels[order[i]]);
        progress.applyAsLong(i + 1, n);
      }
    }
    return w;
  }
}

package io.github.mae4j.torch.data;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.random.RandomGenerator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Tar shards in the WebDataset layout as a random-access {@link ImageDataset}: each sample is a group of members
 * sharing a key ({@code key.jpg} / {@code key.jpeg} / {@code key.png}, or a multi-band {@code key.tif} /
 * {@code key.tiff} / {@code key.npy} read by {@link MultibandDecoder}, and {@code key.cls} holding the label as
 * decimal text). Opening reads the tar headers and the labels (not the images); {@link #read} then reads one
 * member's bytes at its offset and decodes it, so the loader's workers, shuffle, rank sharding and skipping work as
 * for a folder. Class names come from {@code classes.txt} next to the first shard when present (as
 * {@link ShardWriter} writes it), else labels are numbers.
 *
 * <p>Bad shards, each stated in one line to {@code log}: a shard that ends inside a member loses that member (and
 * keeps the ones before it); an image without a {@code .cls} label, when other samples have one, is skipped; a
 * {@code .cls} without an image is skipped; a shard without samples is skipped. A label that is not an integer, is
 * negative, or is outside {@code classes.txt}'s range is an {@link IllegalArgumentException} naming shard and key:
 * never a silent label shift. No sample at all is an {@link IllegalArgumentException} too.
 */
public final class TarShards implements ImageDataset {
  private final List<Path> shards;
  private final int channels;
  private final int[] shardOf;
  private final long[] offsets;
  private final int[] sizes;
  private final String[] keys;
  private final String[] members;
  private final int[] labels;
  private final List<String> classes;
  private final int skipped;
  private final int[] firstOfShard; // samples of shard s: [firstOfShard[s], firstOfShard[s + 1])

  private TarShards(List<Path> shards, int channels, List<Entry> samples, List<String> classes, int skipped) {
    this.shards = List.copyOf(shards);
    this.channels = channels;
    int n = samples.size();
    shardOf = new int[n];
    offsets = new long[n];
    sizes = new int[n];
    keys = new String[n];
    members = new String[n];
    labels = new int[n];
    for (int i = 0; i < n; i++) {
      Entry e = samples.get(i);
      shardOf[i] = e.shard;
      offsets[i] = e.offset;
      sizes[i] = e.size;
      keys[i] = e.key;
      members[i] = e.member;
      labels[i] = e.label;
    }
    this.classes = List.copyOf(classes);
    this.skipped = skipped;
    firstOfShard = new int[this.shards.size() + 1];
    for (int s = 0, i = 0; s < this.shards.size(); s++) { // samples are numbered shard by shard
      firstOfShard[s] = i;
      while (i < n && shardOf[i] == s) {
        i++;
      }
      firstOfShard[s + 1] = i;
    }
  }

  private record Entry(int shard, String key, String member, long offset, int size, int label) {}

  /** Opens the shards a pattern names ({@link ShardPattern}), telling {@code log} about each skip. */
  public static TarShards open(String pattern, int channels, Consumer<String> log) throws IOException {
    return open(ShardPattern.expand(pattern), channels, log);
  }

  /**
   * Opens {@code shards}.
   *
   * @param channels what every image is converted to: 1 or 3 for JPEG/PNG members, any count read from multi-band
   *     .tif/.tiff/.npy members
   * @throws IllegalArgumentException for a missing shard, a bad label, or no sample in any shard
   * @throws IOException when a shard cannot be read as a tar
   */
  public static TarShards open(List<Path> shards, int channels, Consumer<String> log) throws IOException {
    ImageFiles.checkChannels(channels);
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("no shards given");
    }
    for (Path p : shards) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("shard " + p + " does not exist");
      }
    }
    Path classFile = Objects.requireNonNullElse(shards.get(0).toAbsolutePath().getParent(), Path.of("."))
        .resolve("classes.txt");
    List<String> classes = Files.isRegularFile(classFile)
        ? Files.readAllLines(classFile, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty())
            .toList()
        : null;
    List<Entry> samples = new ArrayList<>();
    int[] skips = {0};
    Consumer<String> skip = s -> {
      skips[0]++;
      log.accept(s);
    };
    boolean anyLabel = false;
    List<List<Sample0>> perShard = new ArrayList<>();
    for (int s = 0; s < shards.size(); s++) {
      List<Sample0> found = scan(shards.get(s), skip);
      perShard.add(found);
      anyLabel |= found.stream().anyMatch(x -> x.label != null);
    }
    int maxLabel = -1;
    for (int s = 0; s < shards.size(); s++) {
      Path shard = shards.get(s);
      List<Sample0> found = perShard.get(s);
      int kept = 0;
      for (Sample0 x : found) {
        if (x.image == null) {
          skip.accept("skipped label without image: " + shard + " key " + x.key);
          continue;
        }
        int label = -1;
        if (anyLabel) {
          if (x.label == null) {
            skip.accept("skipped image without label: " + shard + " member " + x.image + " has no "
                + x.key + ".cls");
            continue;
          }
          label = parseLabel(x.label, shard, x.key, classes);
          maxLabel = Math.max(maxLabel, label);
        }
        samples.add(new Entry(s, x.key, x.image, x.offset, Math.toIntExact(x.size), label));
        kept++;
      }
      if (kept == 0 && found.stream().noneMatch(x -> x.image != null)) {
        skip.accept("skipped empty shard: " + shard + " holds no image");
      }
    }
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples (key.jpg/key.png/key.tif/key.npy members) in " + shards.size()
          + " shard(s) " + shards.get(0) + (shards.size() > 1 ? " … " + shards.get(shards.size() - 1) : ""));
    }
    if (classes == null) {
      classes = anyLabel ? IntStream.rangeClosed(0, maxLabel).mapToObj(Integer::toString).toList() : List.of();
    }
    return new TarShards(shards, channels, samples, classes, skips[0]);
  }

  private static final class Sample0 {
    final String key;
    String image;
    long offset;
    long size;
    String label;

    Sample0(String key) {
      this.key = key;
    }
  }

  private static List<Sample0> scan(Path shard, Consumer<String> skip) throws IOException {
    long length = Files.size(shard);
    Map<String, Sample0> byKey = new LinkedHashMap<>();
    // one sequential pass over the headers; a counting stream gives each member's data offset (the tar reader
    // reads a header as exactly its 512-byte records, so after getNextEntry the count is where the data starts)
    try (Counting counted = new Counting(new BufferedInputStream(Files.newInputStream(shard), 1 << 16));
        TarArchiveInputStream tar = new TarArchiveInputStream(counted)) {
      String lastName = null;
      while (true) {
        TarArchiveEntry e;
        try {
          e = tar.getNextEntry();
        } catch (IOException ex) {
          skip.accept("skipped the rest of " + shard + ": it ends inside a header" + (lastName == null ? ""
              : " after " + lastName) + " (" + ex.getMessage() + ")");
          break;
        }
        if (e == null) {
          break;
        }
        if (!e.isFile()) {
          continue;
        }
        String name = e.getName();
        lastName = name;
        long offset = counted.count;
        if (offset + e.getSize() > length) {
          skip.accept("skipped truncated member: " + shard + " ends inside " + name + " ("
              + Math.max(0, length - offset) + " of " + e.getSize() + " bytes)");
          break;
        }
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        if (dot < 0) {
          continue;
        }
        String key = name.substring(0, dot);
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        Sample0 s = byKey.computeIfAbsent(key, Sample0::new);
        switch (ext) {
          case "jpg", "jpeg", "png", "tif", "tiff", "npy" -> {
            s.image = name;
            s.offset = offset;
            s.size = e.getSize();
          }
          case "cls" -> {
            if (e.getSize() > 64) {
              throw new IllegalArgumentException("label " + name + " in shard " + shard + " is " + e.getSize()
                  + " bytes, not a class number");
            }
            s.label = new String(tar.readAllBytes(), StandardCharsets.UTF_8).strip();
          }
          default -> { } // other members (json, txt) are not used
        }
      }
    }
    return new ArrayList<>(byKey.values());
  }

  /** Counts the bytes read through it. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = super.skip(n);
      count += k;
      return k;
    }
  }

  private static int parseLabel(String text, Path shard, String key, List<String> classes) {
    int label;
    try {
      label = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("label of " + key + " in shard " + shard + " is '" + text
          + "', not a class number");
    }
    if (label < 0 || (classes != null && label >= classes.size())) {
      throw new IllegalArgumentException("label " + label + " of " + key + " in shard " + shard
          + " is out of range: " + (classes != null ? "classes.txt lists " + classes.size() + " classes (0.."
              + (classes.size() - 1) + ")" : "labels must be >= 0"));
    }
    return label;
  }

  /** The shard files, in order. */
  /**
   * The index of the sample {@code key} of {@code shard} (one of {@link #shards()}), or -1 when this index does
   * not hold it (skipped when opened). {@code member} is its number among the shard's samples in tar order
   * ({@link ShardStream.Item#member()}), tried first; a linear search of the shard's samples follows when it misses
   * (samples skipped when opened shift the numbers).
   */
  public int indexOf(Path shard, int member, String key) {
    int s = shards.indexOf(shard);
    if (s < 0) {
      return -1;
    }
    int first = firstOfShard[s];
    int end = firstOfShard[s + 1];
    if (member >= 0 && first + member < end && keys[first + member].equals(key)) {
      return first + member;
    }
    for (int i = first; i < end; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The label of sample {@code index} (-1 when the shards have none), without copying all of them. */
  int label(int index) {
    return labels[index];
  }

  public List<Path> shards() {
    return shards;
  }

  /** Members skipped when opening (truncated, unlabelled, orphan labels, empty shards). */
  public int skippedWhenOpened() {
    return skipped;
  }

  /** The key of sample {@code index}. */
  public String key(int index) {
    return keys[index];
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public List<String> classes() {
    return classes;
  }

  @Override
  public Optional<int[]> labels() {
    return Optional.of(labels.clone());
  }

  /** The encoded bytes of sample {@code index}'s image, read at its offset. */
  public byte[] encoded(int index) throws IOException {
    Objects.checkIndex(index, size());
    byte[] out = new byte[sizes[index]];
    try (FileChannel ch = FileChannel.open(shards.get(shardOf[index]), StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.wrap(out);
      long pos = offsets[index];
      while (b.hasRemaining()) {
        int n = ch.read(b, pos);
        if (n < 0) {
          throw new IOException(describe(index) + " ends early (the shard changed since it was opened?)");
        }
        pos += n;
      }
    }
    return out;
  }

  @Override
  public Sample read(int index) throws IOException {
    return read(index, 0);
  }

  @Override
  public Sample readForResize(int index, int shortSide) throws IOException {
    return read(index, shortSide);
  }

  @Override
  public Sample readTransformed(int index, Transform transform, RandomGenerator rng) throws IOException {
    return ImageFiles.decodeTransformed(encoded(index), describe(index), members[index], channels, labels[index],
        transform, rng);
  }

  /** Member {@code index}, a JPEG decoded at reduced size when {@code shortSide} (&gt; 0) allows. */
  private Sample read(int index, int shortSide) throws IOException {
    return ImageFiles.decode(encoded(index), describe(index), members[index], channels, labels[index], shortSide);
  }

  @Override
  public String describe(int index) {
    return shards.get(shardOf[index]) + "#" + keys[index];
  }

  @Override
  public String toString() {
    return "tar shards " + shards.get(0) + (shards.size() > 1 ? " … " + shards.get(shards.size() - 1) : "")
        + " (" + size() + " samples)";
  }
}

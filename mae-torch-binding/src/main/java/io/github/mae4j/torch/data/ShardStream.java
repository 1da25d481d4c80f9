package io.github.mae4j.torch.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads tar shards the WebDataset way: strictly sequentially, one shard after another, with no index. Per epoch the
 * shard order is a seeded shuffle; the reader of one (rank, worker) slot among {@code worldSize × workers} takes its
 * share, and samples pass through a seeded shuffle buffer.
 *
 * <p>Splitting without duplicates: with at least as many shards as slots, slot {@code s} reads the shards at
 * positions {@code s, s + slots, …} of the epoch's order (each shard is read once in all); with fewer shards, every
 * slot reads all of them and keeps the samples numbered {@code s, s + slots, …} in the epoch's order. Either way
 * every sample of the epoch goes to exactly one slot.
 *
 * <p>Bad input: a shard that ends inside a member ends there (the member is dropped, one line to {@code log});
 * a sample without an image is dropped (one line). Labels are returned as found ({@code -1} when missing); checking
 * them against classes is the caller's (see {@link TarShards} for the indexed reader that does).
 */
public final class ShardStream {
  private final List<Path> shards;
  private final long seed;
  private final int bufferSize;
  private final Consumer<String> log;

  /**
   * One sample as stored: the shard it comes from and its number among that shard's samples (counting from 0, in
   * tar order), its key, the encoded image and its extension, and its label (-1 when none).
   */
  public record Item(Path shard, int member, String key, String extension, byte[] image, int label) {}

  /**
   * @param bufferSize samples held in the shuffle buffer (1: no shuffling within the stream)
   */
  public ShardStream(List<Path> shards, long seed, int bufferSize, Consumer<String> log) {
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("no shards given");
    }
    if (bufferSize < 1) {
      throw new IllegalArgumentException("bufferSize must be >= 1, got " + bufferSize);
    }
    this.shards = List.copyOf(shards);
    this.seed = seed;
    this.bufferSize = bufferSize;
    this.log = log;
  }

  /** The shards in epoch {@code epoch}'s order (a seeded shuffle, the same on every rank and worker). */
  public List<Path> shardOrder(int epoch) {
    List<Path> order = new ArrayList<>(shards);
    SplittableRandom r = new SplittableRandom(Seeds.mix(seed, 0x5AAD, epoch));
    for (int i = order.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      Path t = order.get(i);
      order.set(i, order.get(j));
      order.set(j, t);
    }
    return order;
  }

  /**
   * The samples of epoch {@code epoch} for worker {@code worker} of {@code workers} on rank {@code rank} of
   * {@code worldSize}.
   *
   * @throws IllegalArgumentException when rank or worker is outside its range
   */
  public Iterator<Item> items(int epoch, int rank, int worldSize, int worker, int workers) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize || workers < 1 || worker < 0 || worker >= workers) {
      throw new IllegalArgumentException("need 0 <= rank < worldSize and 0 <= worker < workers, got rank " + rank
          + " of " + worldSize + ", worker " + worker + " of " + workers);
    }
    int slots = worldSize * workers;
    int slot = rank * workers + worker;
    List<Path> order = shardOrder(epoch);
    boolean byShard = order.size() >= slots;
    List<Path> mine = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      if (!byShard || i % slots == slot) {
        mine.add(order.get(i));
      }
    }
    Iterator<Item> raw = new Sequential(mine, byShard ? 1 : slots, byShard ? 0 : slot);
    return new Shuffled(raw, new SplittableRandom(Seeds.mix(seed, 0xB0FF, epoch, slot)));
  }

  /** Reads the given shards in order, keeping every {@code stride}-th sample from {@code first}. */
  private final class Sequential implements Iterator<Item> {
    private final Iterator<Path> files;
    private final int stride;
    private final int first;
    private long number;
    private @Nullable TarArchiveInputStream tar;
    private @Nullable Path shard;
    private int member;
    private @Nullable TarArchiveEntry pending;
    private @Nullable Item next;

    Sequential(List<Path> files, int stride, int first) {
      this.files = files.iterator();
      this.stride = stride;
      this.first = first;
    }

    @Override
    public boolean hasNext() {
      try {
        while (next == null) {
          Item item = readSample();
          if (item == null) {
            return false;
          }
          if (number++ % stride == first) {
            next = item;
          }
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Item next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Item i = next;
      next = null;
      return i;
    }

    /** The next complete sample of any remaining shard, or null when all are read. */
    private @Nullable Item readSample() throws IOException {
      while (true) {
        if (tar == null) {
          if (!files.hasNext()) {
            return null;
          }
          shard = files.next();
          tar = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(shard), 1 << 16));
          pending = null;
          member = 0;
        }
        Item item = readGroup();
        if (item != null) {
          return item;
        }
        tar.close();
        tar = null;
      }
    }

    /** Members sharing one key (adjacent, as WebDataset writes them); null at the end of the shard. */
    private @Nullable Item readGroup() throws IOException {
      String key = null;
      String ext = null;
      byte[] image = null;
      int label = -1;
      while (true) {
        TarArchiveEntry e;
        try {
          e = pending != null ? pending : tar.getNextEntry();
        } catch (IOException ex) {
          log.accept("shard " + shard + " is cut short after key " + key + ": " + ex.getMessage());
          e = null;
        }
        pending = null;
        if (e != null && !e.isFile()) {
          continue;
        }
        String name = e == null ? null : e.getName();
        int slash = name == null ? -1 : name.lastIndexOf('/');
        int dot = name == null ? -1 : name.indexOf('.', slash + 1);
        String k = dot < 0 ? null : name.substring(0, dot);
        if (e == null || (key != null && !key.equals(k))) {
          pending = e;
          if (key == null) {
            return null;
          }
          if (image == null) {
            log.accept("skipped sample without image: " + shard + " key " + key);
            key = null;
            label = -1;
            if (e == null) {
              return null;
            }
            continue;
          }
          return new Item(shard, member++, key, ext, image, label);
        }
        if (k == null) {
          continue;
        }
        key = k;
        byte[] data;
        String cut = null;
        try {
          data = tar.readAllBytes();
          if (data.length < e.getSize()) {
            cut = data.length + " of " + e.getSize() + " bytes";
          }
        } catch (IOException ex) {
          data = null;
          cut = ex.getMessage();
        }
        if (cut != null) {
          // the shard ends inside this member: drop its sample, and read nothing more of this shard
          log.accept("skipped truncated member: " + shard + " ends inside " + name + " (" + cut + ")");
          key = null;
          image = null;
          label = -1;
          tar.close();
          tar = new TarArchiveInputStream(InputStream.nullInputStream());
          continue;
        }
        String x = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        switch (x) {
          case "jpg", "jpeg", "png", "tif", "tiff", "npy" -> {
            image = data;
            ext = x;
          }
          case "cls" -> {
            String text = new String(data, StandardCharsets.UTF_8).strip();
            try {
              label = Integer.parseInt(text);
            } catch (NumberFormatException nfe) {
              throw new IllegalArgumentException("label of " + key + " in shard " + shard + " is '" + text
                  + "', not a class number");
            }
          }
          default -> { }
        }
      }
    }
  }

  /** A seeded shuffle buffer: fills to its size, then emits a random held sample for each new one. */
  private final class Shuffled implements Iterator<Item> {
    private final Iterator<Item> in;
    private final SplittableRandom random;
    private final List<Item> buffer = new ArrayList<>();

    Shuffled(Iterator<Item> in, SplittableRandom random) {
      this.in = in;
      this.random = random;
    }

    @Override
    public boolean hasNext() {
      while (buffer.size() < bufferSize && in.hasNext()) {
        buffer.add(in.next());
      }
      return !buffer.isEmpty();
    }

    @Override
    public Item next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int i = random.nextInt(buffer.size());
      Item out = buffer.get(i);
      buffer.set(i, buffer.get(buffer.size() - 1));
      buffer.remove(buffer.size() - 1);
      return out;
    }
  }
}

package io.github.mae4j.torch.io.pth;

import io.github.mae4j.torch.Torch;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes PyTorch {@code torch.save} checkpoints ({@code .pth}, zip format) without executing anything.
 *
 * <p>Reading parses the pickle against {@link AllowList} first — a refused global fails the read before any
 * tensor is built — then copies each storage once from the memory-mapped file into a CPU tensor. Returned tensors
 * belong to the caller (or to the {@code PointerScope} open at the call). Writing produces what
 * {@code torch.load(f, weights_only=True)} opens; see {@link PickleWriter} for the Java → Python mapping.
 */
public final class TorchCheckpoint {
  /** Keys tried, in order, by {@link #readStateDict} when no key is given and the file is not a bare state dict. */
  public static final List<String> STATE_DICT_KEYS = List.of("model", "state_dict", "module");

  static final String LEGACY = "legacy (pre-1.6) torch.save format is not supported; "
      + "re-save with torch.save(..., _use_new_zipfile_serialization=True)";

  private TorchCheckpoint() {}

  /**
   * The whole checkpoint as Java values: {@code Map}, {@link PyOrderedDict}, {@code List}, {@code String},
   * {@code Long}, {@code Double}, {@code Boolean}, {@code null}, {@code byte[]}, {@link PickleObject},
   * {@link Tensor}. Tuples read as unmodifiable lists.
   *
   * @throws CheckpointFormatException for a malformed, truncated, legacy, big-endian or unsafe file
   */
  public static @Nullable Object read(Path file) throws IOException {
    try (Opened o = open(file)) {
      return o.rebuild(o.tree);
    }
  }

  /**
   * A state dict: the map under {@code key} (e.g. {@code "model"}), or, when {@code key} is null, the file itself
   * if it is a map of tensors, else the first of {@link #STATE_DICT_KEYS} present. Only the chosen map's tensors
   * are loaded.
   *
   * @throws CheckpointFormatException when the key is absent or a value is not a tensor (both named)
   */
  public static LinkedHashMap<String, Tensor> readStateDict(Path file, @Nullable String key) throws IOException {
    try (Opened o = open(file)) {
      Object selected = select(o.tree, key);
      Map<?, ?> rebuilt = (Map<?, ?>) Objects.requireNonNull(o.rebuild(selected));
      LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
      rebuilt.forEach((k, v) -> out.put((String) k, (Tensor) Objects.requireNonNull(v)));
      return out;
    }
  }

  /**
   * Writes {@code tree} atomically (temporary file, then a move): a map of tensors, numbers, strings, lists and
   * maps as {@link PickleWriter} maps them.
   *
   * @throws IllegalArgumentException for a value that cannot be written (named)
   */
  public static void write(Path file, Map<?, ?> tree) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        write(ch, tree);
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes {@code tree} in {@code torch.save}'s zip format to {@code out} (not closed; nothing is written when a
   * value cannot be written). For files, {@link #write(Path, Map)} adds the atomic replace.
   *
   * @throws IllegalArgumentException for a value that cannot be written (named)
   */
  public static void write(java.nio.channels.WritableByteChannel out, Map<?, ?> tree) throws IOException {
    Torch.load();
    PickleWriter pickler = new PickleWriter();
    try {
      byte[] pickle = pickler.write(tree);
      ZipArchiveWriter zip = new ZipArchiveWriter(out);
      zip.add("archive/data.pkl", pickle);
      zip.add("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
      List<Tensor> storages = pickler.storages();
      for (int i = 0; i < storages.size(); i++) {
        Tensor t = storages.get(i);
        long n = t.nbytes();
        zip.add("archive/data/" + i, n == 0 ? MemorySegment.NULL : MemorySegment.ofAddress(t.data_ptr().address()).reinterpret(n));
      }
      zip.add("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
      zip.finish();
    } finally {
      pickler.storages().forEach(Tensor::close);
    }
  }

  /** Writes {@code {'model': OrderedDict(stateDict)}}, the layout of official MAE checkpoints. */
  public static void writeStateDict(Path file, Map<String, Tensor> stateDict) throws IOException {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("model", new PyOrderedDict(stateDict));
    write(file, tree);
  }

  /** Closes every tensor in a tree returned by {@link #read}; other values are left alone. */
  public static void closeTensors(@Nullable Object tree) {
    switch (tree) {
      case Tensor t -> t.close();
      case Map<?, ?> m -> m.values().forEach(TorchCheckpoint::closeTensors);
      case Iterable<?> l -> l.forEach(TorchCheckpoint::closeTensors);
      case PickleObject o -> o.attributes().values().forEach(TorchCheckpoint::closeTensors);
      case null, default -> { }
    }
  }

  private static Object select(@Nullable Object tree, @Nullable String key) throws CheckpointFormatException {
    if (!(tree instanceof Map<?, ?> top)) {
      throw new CheckpointFormatException("checkpoint holds " + PickleCalls.describe(tree) + ", not a dict");
    }
    String name;
    Object chosen;
    if (key == null && !top.isEmpty() && top.values().stream().allMatch(v -> v instanceof TensorRef)) {
      name = "(the file itself)";
      chosen = top;
    } else {
      if (key != null && !top.containsKey(key)) {
        throw new CheckpointFormatException("checkpoint has no key '" + key + "'; keys: " + top.keySet());
      }
      name = key != null ? key : STATE_DICT_KEYS.stream().filter(top::containsKey).findFirst().orElseThrow(() ->
          new CheckpointFormatException("checkpoint is not a state dict and has none of " + STATE_DICT_KEYS
              + "; keys: " + top.keySet()));
      chosen = top.get(name);
    }
    if (!(chosen instanceof Map<?, ?> sd)) {
      throw new CheckpointFormatException("checkpoint entry '" + name + "' is " + PickleCalls.describe(chosen)
          + ", not a state dict");
    }
    for (Map.Entry<?, ?> e : sd.entrySet()) {
      if (!(e.getKey() instanceof String) || !(e.getValue() instanceof TensorRef)) {
        throw new CheckpointFormatException("state dict entry '" + e.getKey() + "' is "
            + PickleCalls.describe(e.getValue()) + ", not a tensor");
      }
    }
    return sd;
  }

  private static Opened open(Path file) throws IOException {
    sniff(file);
    ZipArchive zip = ZipArchive.open(file);
    try {
      String pkl = zip.entries().keySet().stream()
          .filter(n -> n.endsWith("data.pkl") && n.indexOf('/') == n.length() - "data.pkl".length() - 1)
          .findFirst()
          .orElseThrow(() -> new CheckpointFormatException(file + " is a zip without <name>/data.pkl: not a "
              + "torch.save checkpoint" + (zip.entries().keySet().stream().anyMatch(n -> n.endsWith("/constants.pkl"))
                  ? " (TorchScript archives from torch.jit.save are not read here)" : "")
              + "; entries: " + zip.entries().keySet().stream().limit(10).toList()));
      String prefix = pkl.substring(0, pkl.length() - "data.pkl".length());
      ZipArchive.Entry order = zip.entries().get(prefix + "byteorder");
      if (order != null && !new String(zip.readAll(order), StandardCharsets.US_ASCII).trim().equals("little")) {
        throw new CheckpointFormatException(file + " was written on a big-endian machine; only little-endian is read");
      }
      Object tree = PickleReader.parse(zip.readAll(zip.entries().get(pkl)));
      return new Opened(zip, prefix, tree);
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  private static void sniff(Path file) throws IOException {
    byte[] head = new byte[512];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n >= 4 && head[0] == 'P' && head[1] == 'K') {
      return;
    }
    boolean tar = n >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    if ((n >= 2 && (head[0] & 0xff) == 0x80) || tar) {
      throw new CheckpointFormatException(file + ": " + LEGACY);
    }
    throw new CheckpointFormatException(file + " is not a torch.save checkpoint (" + n
        + (n == 0 ? " bytes: empty file)" : " bytes read, no zip signature)"));
  }

  /** An open archive and its parsed (not yet materialized) pickle. */
  private record Opened(ZipArchive zip, String prefix, @Nullable Object tree) implements AutoCloseable {
    @Nullable Object rebuild(@Nullable Object subtree) throws IOException {
      Torch.load();
      try (TensorRebuilder r = new TensorRebuilder(zip, prefix)) {
        return r.rebuild(subtree);
      }
    }

    @Override
    public void close() throws IOException {
      zip.close();
    }
  }
}

package io.github.mae4j.torch.io.pth;

import io.github.mae4j.torch.io.pth.TensorRef.StorageRef;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * Turns a parsed pickle tree into its final values: every {@link TensorRef} becomes a CPU
 * {@link Tensor} viewing its storage with the pickled offset, size and stride (views of one storage share memory,
 * as in PyTorch). Each storage entry is copied exactly once from the mapped file into libtorch memory.
 */
final class TensorRebuilder implements AutoCloseable {
  private static final int MAX_DEPTH = 512;

  private final ZipArchive zip;
  private final String prefix;
  private final Map<String, Tensor> storages = new LinkedHashMap<>();
  private final List<Tensor> created = new ArrayList<>();

  /** Rebuilds from {@code zip}, whose records live under {@code prefix} (e.g. {@code "archive/"}). */
  TensorRebuilder(ZipArchive zip, String prefix) {
    this.zip = zip;
    this.prefix = prefix;
  }

  /**
   * The tree with tensors materialized.
   *
   * @throws CheckpointFormatException for a missing or mis-sized storage, a refused value left in the tree, or
   *     nesting deeper than 512 (cyclic pickles included)
   */
  @Nullable Object rebuild(@Nullable Object tree) throws IOException {
    try {
      return walk(tree, 0);
    } catch (IOException | RuntimeException | Error e) {
      created.forEach(Tensor::close);
      throw e;
    }
  }

  private @Nullable Object walk(@Nullable Object v, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new CheckpointFormatException("checkpoint nests deeper than " + MAX_DEPTH + " levels (or is cyclic)");
    }
    if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof byte[]) {
      return v;
    }
    if (v instanceof TensorRef t) {
      return tensor(t);
    }
    if (v instanceof PyOrderedDict d) {
      PyOrderedDict out = new PyOrderedDict();
      for (Map.Entry<Object, @Nullable Object> e : d.entrySet()) {
        out.put(e.getKey(), walk(e.getValue(), depth + 1));
      }
      for (Map.Entry<String, @Nullable Object> e : d.attributes().entrySet()) {
        out.attributes().put(e.getKey(), walk(e.getValue(), depth + 1));
      }
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, @Nullable Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(e.getKey(), walk(e.getValue(), depth + 1));
      }
      return out;
    }
    if (v instanceof List<?> l) {
      List<@Nullable Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(walk(o, depth + 1));
      }
      return l instanceof ArrayList<?> ? out : Collections.unmodifiableList(out);
    }
    if (v instanceof Set<?> s) {
      Set<@Nullable Object> out = new LinkedHashSet<>();
      for (Object o : s) {
        out.add(walk(o, depth + 1));
      }
      return out;
    }
    if (v instanceof PickleObject o) {
      Map<String, @Nullable Object> attrs = new LinkedHashMap<>();
      for (Map.Entry<String, @Nullable Object> e : o.attributes().entrySet()) {
        attrs.put(e.getKey(), walk(e.getValue(), depth + 1));
      }
      return new PickleObject(o.className(), attrs);
    }
    throw new CheckpointFormatException("unsupported value in checkpoint: " + PickleCalls.describe(v)
        + " (a bare type or storage outside a tensor)");
  }

  private Tensor tensor(TensorRef t) throws IOException {
    Tensor storage = storage(t.storage());
    Tensor view = storage.as_strided(t.size(), t.stride(), new LongOptional().put(t.offset()));
    created.add(view);
    return view;
  }

  private Tensor storage(StorageRef ref) throws IOException {
    Tensor cached = storages.get(ref.key());
    if (cached != null) {
      if (cached.numel() != ref.numel() || cached.scalar_type().intern() != ref.type().scalarType()) {
        throw new CheckpointFormatException("storage '" + ref.key() + "' is named with two different types or sizes");
      }
      return cached;
    }
    String name = prefix + "data/" + ref.key();
    ZipArchive.Entry entry = zip.entries().get(name);
    if (entry == null) {
      throw new CheckpointFormatException("storage '" + ref.key() + "' is missing: no entry '" + name + "'");
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(ref.numel(), (long) ref.type().elementSize());
    } catch (ArithmeticException e) {
      throw new CheckpointFormatException("storage '" + ref.key() + "' size overflows: " + ref.numel() + " elements", e);
    }
    if (entry.size() != bytes) {
      throw new CheckpointFormatException("storage '" + ref.key() + "' holds " + entry.size() + " bytes, but "
          + ref.numel() + " " + ref.type().pickleName() + " elements need " + bytes);
    }
    Tensor s = torch.empty(new long[] {ref.numel()}, new TensorOptions(ref.type().scalarType()), new MemoryFormatOptional());
    storages.put(ref.key(), s);
    if (bytes > 0) {
      zip.copyTo(entry, MemorySegment.ofAddress(s.data_ptr().address()).reinterpret(bytes));
    }
    return s;
  }

  /** Releases this rebuilder's references to whole storages; the returned views keep what they use alive. */
  @Override
  public void close() {
    storages.values().forEach(Tensor::close);
    storages.clear();
  }
}

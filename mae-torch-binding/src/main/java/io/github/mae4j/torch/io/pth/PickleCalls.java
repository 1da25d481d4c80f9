package io.github.mae4j.torch.io.pth;

import io.github.mae4j.torch.io.pth.AllowList.Global;
import io.github.mae4j.torch.io.pth.AllowList.Kind;
import io.github.mae4j.torch.io.pth.TensorRef.StorageRef;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the calling opcodes ({@code REDUCE}, {@code NEWOBJ}, {@code BUILD}, {@code BINPERSID}) do with an allowed
 * global: each has a fixed Java meaning; any other target is refused with its name.
 */
final class PickleCalls {
  private PickleCalls() {}

  /** {@code REDUCE}: calls an allowed function or type with {@code args}. */
  static Object reduce(@Nullable Object target, List<@Nullable Object> args) throws CheckpointFormatException {
    if (!(target instanceof Global g)) {
      throw new CheckpointFormatException("refusing REDUCE on " + describe(target));
    }
    return switch (g.kind()) {
      case ORDERED_DICT -> orderedDict(args);
      case REBUILD_TENSOR_V2, REBUILD_TENSOR -> rebuildTensor(g, args);
      case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> rebuildParameter(g, args);
      case SIZE -> {
        arity(g, args, 1, 1);
        yield Collections.unmodifiableList(sequence(g, args.getFirst()));
      }
      case SET, FROZENSET -> {
        arity(g, args, 0, 1);
        LinkedHashSet<@Nullable Object> s = new LinkedHashSet<>(args.isEmpty() ? List.of() : sequence(g, args.getFirst()));
        yield g.kind() == Kind.SET ? s : Collections.unmodifiableSet(s);
      }
      case CODECS_ENCODE -> {
        arity(g, args, 2, 2);
        if (!(args.get(0) instanceof String text) || !(args.get(1) instanceof String enc)
            || !(enc.equals("latin1") || enc.equals("latin-1"))) {
          throw new CheckpointFormatException("refusing _codecs.encode" + args + ": only (str, 'latin1') is read");
        }
        yield text.getBytes(StandardCharsets.ISO_8859_1);
      }
      case STORAGE, NAMESPACE -> throw new CheckpointFormatException("refusing REDUCE on " + g + " (only read as "
          + (g.kind() == Kind.STORAGE ? "a persistent id's storage type)" : "NEWOBJ + BUILD data)"));
    };
  }

  /** {@code NEWOBJ}: only {@code argparse.Namespace()}, read as a {@link PickleObject}. */
  static Object newObject(@Nullable Object cls, List<@Nullable Object> args) throws CheckpointFormatException {
    if (cls instanceof Global g && g.kind() == Kind.NAMESPACE && args.isEmpty()) {
      return new PickleObject(g.qualifiedName(), new LinkedHashMap<>());
    }
    if (cls instanceof Global g && g.kind() == Kind.ORDERED_DICT && args.isEmpty()) {
      return new PyOrderedDict();
    }
    throw new CheckpointFormatException("refusing NEWOBJ of " + describe(cls) + " with " + args.size() + " arguments");
  }

  /** {@code BUILD}: sets attributes on a {@link PickleObject} or a {@link PyOrderedDict}; nothing else. */
  static void build(@Nullable Object target, @Nullable Object state) throws CheckpointFormatException {
    Map<String, @Nullable Object> attributes;
    if (target instanceof PickleObject o) {
      attributes = o.attributes();
    } else if (target instanceof PyOrderedDict d) {
      attributes = d.attributes();
    } else {
      throw new CheckpointFormatException("refusing BUILD on " + describe(target));
    }
    if (state == null) {
      return;
    }
    if (!(state instanceof Map<?, ?> m)) {
      throw new CheckpointFormatException("refusing BUILD with state " + describe(state) + " (only a dict is read)");
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String k)) {
        throw new CheckpointFormatException("refusing BUILD attribute named " + describe(e.getKey()));
      }
      attributes.put(k, e.getValue());
    }
  }

  /** {@code BINPERSID}: {@code ('storage', torch.XStorage, key, location, numel)}. */
  static StorageRef persistentLoad(@Nullable Object pid) throws CheckpointFormatException {
    if (pid instanceof List<?> t && t.size() == 5 && "storage".equals(t.get(0))
        && t.get(1) instanceof Global g && g.kind() == Kind.STORAGE
        && t.get(2) instanceof String key && t.get(3) instanceof String location && t.get(4) instanceof Long numel) {
      if (numel < 0) {
        throw new CheckpointFormatException("storage '" + key + "' has negative size " + numel);
      }
      return new StorageRef(key, g.storage(), location, numel);
    }
    throw new CheckpointFormatException("refusing persistent id " + describe(pid)
        + ": only ('storage', torch.<Type>Storage, key, location, numel) is read");
  }

  private static Object orderedDict(List<@Nullable Object> args) throws CheckpointFormatException {
    PyOrderedDict d = new PyOrderedDict();
    if (args.isEmpty()) {
      return d;
    }
    if (args.size() == 1 && args.getFirst() instanceof List<?> pairs) {
      for (Object p : pairs) {
        if (!(p instanceof List<?> kv) || kv.size() != 2 || kv.get(0) == null) {
          throw new CheckpointFormatException("collections.OrderedDict: item " + describe(p) + " is not a (key, value) pair");
        }
        d.put(kv.get(0), kv.get(1));
      }
      return d;
    }
    throw new CheckpointFormatException("collections.OrderedDict called with " + args.size() + " unsupported arguments");
  }

  private static TensorRef rebuildTensor(Global g, List<@Nullable Object> args) throws CheckpointFormatException {
    if (g.kind() == Kind.REBUILD_TENSOR) {
      arity(g, args, 4, 4);
    } else {
      arity(g, args, 6, 7); // newer torch appends a metadata dict
    }
    if (!(args.get(0) instanceof StorageRef storage)) {
      throw new CheckpointFormatException(g + ": first argument is " + describe(args.get(0)) + ", not a storage");
    }
    boolean requiresGrad = args.size() > 4 && Boolean.TRUE.equals(args.get(4));
    return TensorRef.of(storage, integer(g, args.get(1), "storage_offset"), longs(g, args.get(2), "size"),
        longs(g, args.get(3), "stride"), requiresGrad);
  }

  private static TensorRef rebuildParameter(Global g, List<@Nullable Object> args) throws CheckpointFormatException {
    arity(g, args, 3, g.kind() == Kind.REBUILD_PARAMETER ? 3 : 4);
    if (!(args.get(0) instanceof TensorRef t)) {
      throw new CheckpointFormatException(g + ": first argument is " + describe(args.get(0)) + ", not a tensor");
    }
    return new TensorRef(t.storage(), t.offset(), t.size(), t.stride(), Boolean.TRUE.equals(args.get(1)));
  }

  private static void arity(Global g, List<@Nullable Object> args, int min, int max) throws CheckpointFormatException {
    if (args.size() < min || args.size() > max) {
      throw new CheckpointFormatException(g + " expects " + (min == max ? "" + min : min + "-" + max)
          + " arguments, got " + args.size());
    }
  }

  private static List<@Nullable Object> sequence(Global g, @Nullable Object v) throws CheckpointFormatException {
    if (!(v instanceof List<?> l)) {
      throw new CheckpointFormatException(g + ": argument is " + describe(v) + ", not a list or tuple");
    }
    @SuppressWarnings("unchecked")
    List<@Nullable Object> cast = (List<@Nullable Object>) l;
    return cast;
  }

  private static long integer(Global g, @Nullable Object v, String what) throws CheckpointFormatException {
    if (!(v instanceof Long l)) {
      throw new CheckpointFormatException(g + ": " + what + " is " + describe(v) + ", not a 64-bit integer");
    }
    return l;
  }

  private static long[] longs(Global g, @Nullable Object v, String what) throws CheckpointFormatException {
    List<@Nullable Object> l = sequence(g, v);
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = integer(g, l.get(i), what + "[" + i + "]");
    }
    return out;
  }

  /** A short description of a parsed value for error messages. */
  static String describe(@Nullable Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Global g) {
      return "'" + g.qualifiedName() + "'";
    }
    String s = v instanceof String str ? "'" + str + "'" : v.getClass().getSimpleName();
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}

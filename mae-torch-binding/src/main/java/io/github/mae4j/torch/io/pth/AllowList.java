package io.github.mae4j.torch.io.pth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The only pickle globals a checkpoint may name. Everything else — {@code os.system}, {@code builtins.eval},
 * {@code subprocess.Popen}, numpy scalars, any user class — is refused by name at the {@code GLOBAL} /
 * {@code STACK_GLOBAL} opcode, before anything is built. Allowed names are never resolved to code: each maps to a
 * fixed Java behaviour in {@link PickleCalls}.
 *
 * <ul>
 *   <li>{@code collections.OrderedDict} — a dict that keeps its order ({@link PyOrderedDict})
 *   <li>{@code torch._utils._rebuild_tensor_v2}, {@code _rebuild_tensor}, {@code _rebuild_parameter},
 *       {@code _rebuild_parameter_with_state} — tensors from storage, offset, size and stride
 *   <li>{@code torch.FloatStorage} … {@code torch.BoolStorage} — storage types in persistent ids ({@link StorageType})
 *   <li>{@code torch.Size} — read as a tuple
 *   <li>{@code builtins.set}/{@code frozenset} (also {@code __builtin__.}) — read as a {@link java.util.Set}
 *   <li>{@code _codecs.encode} with {@code 'latin1'} — how protocol 2 writes {@code bytes}; read as {@code byte[]}
 *   <li>{@code argparse.Namespace} — the {@code args} of official MAE checkpoints; read as a {@link PickleObject}
 *       holding its attributes, never instantiated
 * </ul>
 */
public final class AllowList {
  /** What an allowed global does when called. */
  enum Kind {
    ORDERED_DICT, REBUILD_TENSOR, REBUILD_TENSOR_V2, REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE,
    STORAGE, SIZE, SET, FROZENSET, CODECS_ENCODE, NAMESPACE
  }

  /** An allowed global as it sits on the pickle stack. */
  record Global(String qualifiedName, Kind kind, StorageType storage) {
    @Override
    public String toString() {
      return qualifiedName;
    }
  }

  private static final Map<String, Global> ALLOWED = build();

  private AllowList() {}

  /** The qualified names ({@code module.name}) a checkpoint may use. */
  public static Set<String> names() {
    return ALLOWED.keySet();
  }

  /**
   * The allowed global {@code module.name}.
   *
   * @throws CheckpointFormatException naming the global when it is not allowed
   */
  static Global resolve(String module, String name) throws CheckpointFormatException {
    String qualified = module + "." + name;
    Global g = ALLOWED.get(qualified);
    if (g == null) {
      throw new CheckpointFormatException("refusing pickle global '" + qualified
          + "': not a torch.save type on mae4j's allow-list (nothing in a checkpoint is executed)");
    }
    return g;
  }

  private static Map<String, Global> build() {
    Map<String, Global> m = new LinkedHashMap<>();
    put(m, "collections.OrderedDict", Kind.ORDERED_DICT);
    put(m, "torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR);
    put(m, "torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2);
    put(m, "torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER);
    put(m, "torch._utils._rebuild_parameter_with_state", Kind.REBUILD_PARAMETER_WITH_STATE);
    put(m, "torch.Size", Kind.SIZE);
    for (String builtins : new String[] {"builtins", "__builtin__"}) {
      put(m, builtins + ".set", Kind.SET);
      put(m, builtins + ".frozenset", Kind.FROZENSET);
    }
    put(m, "_codecs.encode", Kind.CODECS_ENCODE);
    put(m, "argparse.Namespace", Kind.NAMESPACE);
    for (StorageType s : StorageType.values()) {
      String q = "torch." + s.pickleName();
      m.put(q, new Global(q, Kind.STORAGE, s));
    }
    return Map.copyOf(m);
  }

  private static void put(Map<String, Global> m, String qualified, Kind kind) {
    m.put(qualified, new Global(qualified, kind, StorageType.FLOAT));
  }
}

package io.github.mae4j.torch.io.pth;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Writes a value tree as the pickle (protocol 2) {@code torch.save} would write, collecting tensors as storages.
 *
 * <p>Java → Python: {@code null → None}, {@code Boolean → bool}, {@code Byte/Short/Integer/Long/BigInteger → int},
 * {@code Float/Double → float}, {@code String → str}, {@link PyOrderedDict} → {@code collections.OrderedDict},
 * other {@code Map → dict} (keys: strings, integers, booleans), {@code List → list}, {@link Tensor} →
 * {@code torch._utils._rebuild_tensor_v2} over its own contiguous storage. Only opcodes that torch 1.13's
 * {@code weights_only} unpickler reads are used — except {@code BINFLOAT} for Python floats, which it lacks
 * (torch ≥ 2.0 reads them).
 */
final class PickleWriter {
  private static final int MAX_DEPTH = 512;
  private static final int BATCH = 1000;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<Tensor> storages = new ArrayList<>();
  private final IdentityHashMap<Object, Boolean> inProgress = new IdentityHashMap<>();

  /** The pickle bytes; tensors are appended to {@link #storages()} in key order "0", "1", … */
  byte[] write(@Nullable Object tree) {
    out.write(0x80);
    out.write(2);
    value(tree, 0);
    out.write('.');
    return out.toByteArray();
  }

  /** Contiguous CPU tensors, one per storage key (index = key); the caller closes them. */
  List<Tensor> storages() {
    return storages;
  }

  private void value(@Nullable Object v, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("value nests deeper than " + MAX_DEPTH + " levels (or is cyclic)");
    }
    switch (v) {
      case null -> out.write('N');
      case Boolean b -> out.write(b ? 0x88 : 0x89);
      case Byte b -> integer(b);
      case Short s -> integer(s);
      case Integer i -> integer(i);
      case Long l -> integer(l);
      case BigInteger b -> bigInteger(b);
      case Float f -> binfloat(f);
      case Double d -> binfloat(d);
      case String s -> string(s);
      case Tensor t -> tensor(t);
      case Map<?, ?> m -> map(m, depth);
      case List<?> l -> list(l, depth);
      default -> throw new IllegalArgumentException("cannot write a " + v.getClass().getName()
          + " into a checkpoint; supported: null, Boolean, integers, Float/Double, String, Tensor, Map, List");
    }
  }

  private void map(Map<?, ?> m, int depth) {
    enter(m);
    if (m instanceof PyOrderedDict) {
      global("collections", "OrderedDict");
      out.write(')');
      out.write('R');
    } else {
      out.write('}');
    }
    int n = 0;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Object k = e.getKey();
      if (!(k instanceof String || k instanceof Integer || k instanceof Long || k instanceof Boolean)) {
        throw new IllegalArgumentException("dict keys must be String, Integer, Long or Boolean, got "
            + (k == null ? "null" : k.getClass().getName()));
      }
      if (n % BATCH == 0) {
        out.write('(');
      }
      value(k, depth + 1);
      value(e.getValue(), depth + 1);
      if (++n % BATCH == 0 || n == m.size()) {
        out.write('u');
      }
    }
    inProgress.remove(m);
  }

  private void list(List<?> l, int depth) {
    enter(l);
    out.write(']');
    int n = 0;
    for (Object o : l) {
      if (n % BATCH == 0) {
        out.write('(');
      }
      value(o, depth + 1);
      if (++n % BATCH == 0 || n == l.size()) {
        out.write('e');
      }
    }
    inProgress.remove(l);
  }

  private void enter(Object container) {
    if (inProgress.put(container, Boolean.TRUE) != null) {
      throw new IllegalArgumentException("cannot write a cyclic structure into a checkpoint");
    }
  }

  private void tensor(Tensor t) {
    if (t.isNull()) {
      throw new IllegalArgumentException("cannot write a closed or undefined tensor");
    }
    StorageType type = StorageType.of(t.scalar_type());
    Tensor data = t.detach().cpu().contiguous();
    long[] size = new long[(int) data.dim()];
    for (int i = 0; i < size.length; i++) {
      size[i] = data.size(i);
    }
    long[] stride = new long[size.length];
    long s = 1;
    for (int i = size.length - 1; i >= 0; i--) {
      stride[i] = s;
      s *= Math.max(size[i], 1);
    }
    String key = Integer.toString(storages.size());
    storages.add(data);
    global("torch._utils", "_rebuild_tensor_v2");
    out.write('(');
    out.write('(');
    string("storage");
    global("torch", type.pickleName());
    string(key);
    string("cpu");
    integer(data.numel());
    out.write('t');
    out.write('Q');
    integer(0);
    longTuple(size);
    longTuple(stride);
    out.write(0x89); // requires_grad: checkpoints hold data
    global("collections", "OrderedDict");
    out.write(')');
    out.write('R');
    out.write('t');
    out.write('R');
  }

  private void longTuple(long[] values) {
    out.write('(');
    for (long v : values) {
      integer(v);
    }
    out.write('t');
  }

  private void global(String module, String name) {
    out.write('c');
    out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private void integer(long v) {
    if (v >= 0 && v < 256) {
      out.write('K');
      out.write((int) v);
    } else if (v >= 0 && v < 65536) {
      out.write('M');
      out.write((int) v & 0xff);
      out.write((int) (v >>> 8) & 0xff);
    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      out.write('J');
      le(v, 4);
    } else {
      bigInteger(BigInteger.valueOf(v));
    }
  }

  private void bigInteger(BigInteger v) {
    if (v.bitLength() < 32) {
      integer(v.longValue());
      return;
    }
    byte[] big = v.toByteArray();
    if (big.length > 255) {
      throw new IllegalArgumentException("integer too large to write: " + v.bitLength() + " bits");
    }
    out.write(0x8a);
    out.write(big.length);
    for (int i = big.length - 1; i >= 0; i--) {
      out.write(big[i]);
    }
  }

  private void binfloat(double d) {
    out.write('G');
    long bits = Double.doubleToRawLongBits(d);
    for (int i = 7; i >= 0; i--) {
      out.write((int) (bits >>> (8 * i)) & 0xff);
    }
  }

  private void string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write('X');
    le(b.length, 4);
    out.writeBytes(b);
  }

  private void le(long v, int n) {
    for (int i = 0; i < n; i++) {
      out.write((int) (v >>> (8 * i)) & 0xff);
    }
  }
}

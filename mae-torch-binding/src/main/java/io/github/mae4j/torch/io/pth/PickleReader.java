package io.github.mae4j.torch.io.pth;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A pickle parser (protocols 0–5 data opcodes) that builds plain Java values and never runs code.
 *
 * <p>Values: {@code None → null}, {@code bool → Boolean}, {@code int → Long} (or {@link BigInteger} beyond 64 bits),
 * {@code float → Double}, {@code str → String}, {@code bytes → byte[]}, {@code list → ArrayList},
 * {@code tuple → unmodifiable List}, {@code dict → LinkedHashMap}, {@code OrderedDict →} {@link PyOrderedDict},
 * {@code set → LinkedHashSet}, tensors → {@link TensorRef} (materialized later). Globals are checked against
 * {@link AllowList} when they are named; calls go through {@link PickleCalls}.
 */
final class PickleReader {
  private final ByteBuffer in;
  private final List<@Nullable Object> stack = new ArrayList<>();
  private final List<Integer> marks = new ArrayList<>();
  private final Map<Long, @Nullable Object> memo = new HashMap<>();

  private PickleReader(byte[] pickle) {
    this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Parses one pickle.
   *
   * @throws CheckpointFormatException for a refused global or opcode, a malformed or truncated pickle
   */
  static @Nullable Object parse(byte[] pickle) throws CheckpointFormatException {
    PickleReader r = new PickleReader(pickle);
    try {
      return r.run();
    } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new CheckpointFormatException("truncated or malformed pickle at byte " + r.in.position(), e);
    } catch (ClassCastException e) {
      throw new CheckpointFormatException("malformed pickle at byte " + r.in.position() + ": " + e.getMessage(), e);
    }
  }

  private @Nullable Object run() throws CheckpointFormatException {
    while (true) {
      int at = in.position();
      int op = in.get() & 0xff;
      switch (op) {
        case 0x80 -> in.get(); // PROTO
        case 0x95 -> in.getLong(); // FRAME: frames are only a buffering hint
        case '.' -> {
          if (stack.size() != 1 || !marks.isEmpty()) {
            throw new CheckpointFormatException("malformed pickle: STOP with " + stack.size() + " values on the stack");
          }
          return stack.getFirst();
        }
        case '(' -> marks.add(stack.size());
        case '0' -> pop();
        case '1' -> popMark();
        case '2' -> push(peek());
        case 'N' -> push(null);
        case 0x88 -> push(Boolean.TRUE);
        case 0x89 -> push(Boolean.FALSE);
        case 'J' -> push((long) in.getInt());
        case 'K' -> push((long) (in.get() & 0xff));
        case 'M' -> push((long) (in.getShort() & 0xffff));
        case 0x8a -> push(decodeLong(bytes(in.get() & 0xff)));
        case 0x8b -> push(decodeLong(bytes(length(in.getInt()))));
        case 'I' -> push(parseIntLine(line()));
        case 'L' -> push(decodeText(line().replace("L", "")));
        case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // big-endian
        case 'F' -> push(parseFloat(line()));
        case 'X' -> push(utf8(bytes(length(in.getInt()))));
        case 0x8c -> push(utf8(bytes(in.get() & 0xff)));
        case 0x8d -> push(utf8(bytes(length(in.getLong()))));
        case 'U' -> push(latin1(bytes(in.get() & 0xff)));
        case 'T' -> push(latin1(bytes(length(in.getInt()))));
        case 'C' -> push(bytes(in.get() & 0xff));
        case 'B' -> push(bytes(length(in.getInt())));
        case 0x8e -> push(bytes(length(in.getLong())));
        case ']' -> push(new ArrayList<>());
        case 'l' -> push(new ArrayList<>(popMark()));
        case 'a' -> { Object v = pop(); list(peek()).add(v); }
        case 'e' -> { List<@Nullable Object> vs = popMark(); list(peek()).addAll(vs); }
        case ')' -> push(Collections.emptyList());
        case 't' -> push(tuple(popMark()));
        case 0x85 -> push(tuple(items(pop())));
        case 0x86 -> { Object b = pop(); Object a = pop(); push(tuple(items(a, b))); }
        case 0x87 -> { Object c = pop(); Object b = pop(); Object a = pop(); push(tuple(items(a, b, c))); }
        case '}' -> push(new LinkedHashMap<>());
        case 'd' -> { Map<Object, @Nullable Object> m = new LinkedHashMap<>(); putAll(m, popMark()); push(m); }
        case 's' -> { Object v = pop(); Object k = pop(); map(peek()).put(key(k), v); }
        case 'u' -> { List<@Nullable Object> kv = popMark(); putAll(map(peek()), kv); }
        case 0x8f -> push(new LinkedHashSet<>());
        case 0x90 -> { List<@Nullable Object> vs = popMark(); set(peek()).addAll(vs); }
        case 0x91 -> push(Collections.unmodifiableSet(new LinkedHashSet<>(popMark())));
        case 'g' -> push(memoGet(Long.parseLong(line().trim())));
        case 'h' -> push(memoGet(in.get() & 0xff));
        case 'j' -> push(memoGet(in.getInt() & 0xffffffffL));
        case 'p' -> memo.put(Long.parseLong(line().trim()), peek());
        case 'q' -> memo.put((long) (in.get() & 0xff), peek());
        case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());
        case 0x94 -> memo.put((long) memo.size(), peek());
        case 'c' -> push(AllowList.resolve(line(), line()));
        case 0x93 -> { Object name = pop(); Object module = pop(); push(AllowList.resolve(str(module), str(name))); }
        case 'R' -> { Object args = pop(); Object f = pop(); push(PickleCalls.reduce(f, tupleArgs(args))); }
        case 0x81 -> { Object args = pop(); Object cls = pop(); push(PickleCalls.newObject(cls, tupleArgs(args))); }
        case 0x92 -> {
          Object kwargs = pop(); Object args = pop(); Object cls = pop();
          if (!map(kwargs).isEmpty()) {
            throw new CheckpointFormatException("refusing NEWOBJ_EX with keyword arguments for " + cls);
          }
          push(PickleCalls.newObject(cls, tupleArgs(args)));
        }
        case 'b' -> { Object state = pop(); PickleCalls.build(peek(), state); }
        case 'Q' -> push(PickleCalls.persistentLoad(pop()));
        case 'P' -> throw new CheckpointFormatException("refusing text persistent id (PERSID) at byte " + at);
        case 'i' -> throw new CheckpointFormatException(
            "refusing pickle opcode INST for '" + line() + "." + line() + "'");
        case 'o' -> throw new CheckpointFormatException("refusing pickle opcode OBJ at byte " + at);
        case 0x82, 0x83, 0x84 -> throw new CheckpointFormatException("refusing pickle extension-registry opcode at byte " + at);
        default -> throw new CheckpointFormatException(String.format(
            "unknown or unsupported pickle opcode 0x%02x at byte %d", op, at));
      }
    }
  }

  private void push(@Nullable Object v) {
    stack.add(v);
  }

  private @Nullable Object pop() throws CheckpointFormatException {
    int floor = marks.isEmpty() ? 0 : marks.getLast();
    if (stack.size() <= floor) {
      throw new CheckpointFormatException("malformed pickle: stack underflow at byte " + in.position());
    }
    return stack.removeLast();
  }

  private @Nullable Object peek() throws CheckpointFormatException {
    int floor = marks.isEmpty() ? 0 : marks.getLast();
    if (stack.size() <= floor) {
      throw new CheckpointFormatException("malformed pickle: empty stack at byte " + in.position());
    }
    return stack.getLast();
  }

  private List<@Nullable Object> popMark() throws CheckpointFormatException {
    if (marks.isEmpty()) {
      throw new CheckpointFormatException("malformed pickle: no MARK at byte " + in.position());
    }
    int from = marks.removeLast();
    List<@Nullable Object> top = stack.subList(from, stack.size());
    List<@Nullable Object> items = new ArrayList<>(top);
    top.clear();
    return items;
  }

  private @Nullable Object memoGet(long index) throws CheckpointFormatException {
    if (!memo.containsKey(index)) {
      throw new CheckpointFormatException("malformed pickle: memo entry " + index + " read before it was set");
    }
    return memo.get(index);
  }

  private int length(long n) throws CheckpointFormatException {
    if (n < 0 || n > in.remaining()) {
      throw new CheckpointFormatException("malformed pickle: length " + n + " at byte " + in.position()
          + " exceeds the " + in.remaining() + " bytes left");
    }
    return (int) n;
  }

  private byte[] bytes(int n) throws CheckpointFormatException {
    byte[] b = new byte[length(n)];
    in.get(b);
    return b;
  }

  private String line() throws CheckpointFormatException {
    int start = in.position();
    while (in.get() != '\n') {
      if (in.position() - start > 4096) {
        throw new CheckpointFormatException("malformed pickle: text line longer than 4096 bytes at byte " + start);
      }
    }
    return new String(in.array(), start, in.position() - start - 1, StandardCharsets.UTF_8);
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static Object decodeLong(byte[] littleEndian) {
    if (littleEndian.length == 0) {
      return 0L;
    }
    byte[] big = new byte[littleEndian.length];
    for (int i = 0; i < big.length; i++) {
      big[i] = littleEndian[littleEndian.length - 1 - i];
    }
    BigInteger v = new BigInteger(big);
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  private static Object decodeText(String digits) throws CheckpointFormatException {
    try {
      BigInteger v = new BigInteger(digits.trim());
      return v.bitLength() < 64 ? (Object) v.longValue() : v;
    } catch (NumberFormatException e) {
      throw new CheckpointFormatException("malformed pickle integer '" + digits + "'", e);
    }
  }

  private static Object parseIntLine(String s) throws CheckpointFormatException {
    return switch (s.trim()) {
      case "00" -> Boolean.FALSE;
      case "01" -> Boolean.TRUE;
      default -> decodeText(s);
    };
  }

  private static Double parseFloat(String s) throws CheckpointFormatException {
    try {
      return Double.valueOf(s.trim());
    } catch (NumberFormatException e) {
      throw new CheckpointFormatException("malformed pickle float '" + s + "'", e);
    }
  }

  private static List<@Nullable Object> items(@Nullable Object... vs) {
    return java.util.Arrays.asList(vs);
  }

  private static List<@Nullable Object> tuple(List<@Nullable Object> items) {
    return Collections.unmodifiableList(new ArrayList<>(items));
  }

  private static List<@Nullable Object> tupleArgs(@Nullable Object args) throws CheckpointFormatException {
    if (!(args instanceof List<?> l)) {
      throw new CheckpointFormatException("malformed pickle: call arguments are " + PickleCalls.describe(args)
          + ", not a tuple");
    }
    @SuppressWarnings("unchecked")
    List<@Nullable Object> cast = (List<@Nullable Object>) l;
    return cast;
  }

  private static String str(@Nullable Object v) throws CheckpointFormatException {
    if (!(v instanceof String s)) {
      throw new CheckpointFormatException("malformed pickle: expected a string, got " + PickleCalls.describe(v));
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  private static List<@Nullable Object> list(@Nullable Object v) throws CheckpointFormatException {
    if (!(v instanceof ArrayList<?>)) {
      throw new CheckpointFormatException("malformed pickle: can only append to a list, got " + PickleCalls.describe(v));
    }
    return (List<@Nullable Object>) v;
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, @Nullable Object> map(@Nullable Object v) throws CheckpointFormatException {
    if (!(v instanceof LinkedHashMap<?, ?>)) {
      throw new CheckpointFormatException("malformed pickle: can only set items on a dict, got " + PickleCalls.describe(v));
    }
    return (Map<Object, @Nullable Object>) v;
  }

  @SuppressWarnings("unchecked")
  private static Set<@Nullable Object> set(@Nullable Object v) throws CheckpointFormatException {
    if (!(v instanceof LinkedHashSet<?>)) {
      throw new CheckpointFormatException("malformed pickle: can only add items to a set, got " + PickleCalls.describe(v));
    }
    return (Set<@Nullable Object>) v;
  }

  private static void putAll(Map<Object, @Nullable Object> m, List<@Nullable Object> kv) throws CheckpointFormatException {
    if (kv.size() % 2 != 0) {
      throw new CheckpointFormatException("malformed pickle: odd number of dict items (" + kv.size() + ")");
    }
    for (int i = 0; i < kv.size(); i += 2) {
      m.put(key(kv.get(i)), kv.get(i + 1));
    }
  }

  private static Object key(@Nullable Object k) throws CheckpointFormatException {
    if (k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Boolean
        || k instanceof Double || k instanceof List<?>) {
      return k;
    }
    throw new CheckpointFormatException("unsupported dict key " + PickleCalls.describe(k));
  }
}

package io.github.mae4j.torch.io.pth;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What the reader accepts as a dict key or set element: values that cannot recurse when hashed. */
final class PickleKeys {
  private PickleKeys() {}

  /**
   * A dict key or set element: a scalar or a flat tuple of scalars. Nothing mutable or nested is hashed, so a
   * cyclic structure cannot recurse in {@code hashCode}.
   */
  static Object key(@Nullable Object k) throws CheckpointFormatException {
    if (k instanceof List<?> tuple && !(k instanceof ArrayList<?>)) {
      for (Object o : tuple) {
        if (!isScalar(o)) {
          throw new CheckpointFormatException("unsupported tuple element in a dict key or set: " + PickleCalls.describe(o));
        }
      }
      return k;
    }
    if (isScalar(k)) {
      return k;
    }
    throw new CheckpointFormatException("unsupported dict key or set element " + PickleCalls.describe(k));
  }

  static void addKeys(Set<@Nullable Object> s, List<@Nullable Object> items) throws CheckpointFormatException {
    for (Object o : items) {
      s.add(key(o));
    }
  }

  private static boolean isScalar(@Nullable Object k) {
    return k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Boolean
        || k instanceof Double;
  }
}

package io.github.mae4j.torch.io.pth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.jspecify.annotations.Nullable;

/** The fixtures written by tools/make_checkpoint_fixtures.py and helpers to compare trees with expected.json. */
final class Fixtures {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, ScalarType> DTYPES = Map.of(
      "float32", ScalarType.Float, "float16", ScalarType.Half, "bfloat16", ScalarType.BFloat16,
      "float64", ScalarType.Double, "int64", ScalarType.Long, "int32", ScalarType.Int, "int16", ScalarType.Short,
      "int8", ScalarType.Char, "uint8", ScalarType.Byte, "bool", ScalarType.Bool);
  private static final Set<ScalarType> FLOATING =
      Set.of(ScalarType.Float, ScalarType.Half, ScalarType.BFloat16, ScalarType.Double);

  private Fixtures() {}

  static Path dir() {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/pth/expected.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path file(String name) {
    return dir().resolve(name);
  }

  /** expected.json's entry for one fixture: {path: description}. */
  static JsonNode expected(String fixture) throws IOException {
    return JSON.readTree(dir().resolve("expected.json").toFile()).get(fixture);
  }

  /** The tree flattened like the Python side: dict keys and list indices joined by '/'. */
  static Map<String, @Nullable Object> flatten(@Nullable Object tree) {
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    flatten(tree, "", out);
    return out;
  }

  private static void flatten(@Nullable Object v, String prefix, Map<String, @Nullable Object> out) {
    if (v instanceof Map<?, ?> m) {
      m.forEach((k, x) -> flatten(x, prefix + k + "/", out));
    } else if (v instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        flatten(l.get(i), prefix + i + "/", out);
      }
    } else if (v instanceof PickleObject o) {
      flatten(o.attributes(), prefix, out);
    } else {
      out.put(prefix.substring(0, prefix.length() - 1), v);
    }
  }

  /** Every leaf of {@code tree} equals expected.json's, element by element; no leaf is missing or extra. */
  static void assertTreeMatches(@Nullable Object tree, JsonNode expected, Set<String> ignoredPaths) {
    Map<String, @Nullable Object> leaves = flatten(tree);
    leaves.keySet().removeAll(ignoredPaths);
    Set<String> expectedPaths = new java.util.LinkedHashSet<>();
    expected.fieldNames().forEachRemaining(expectedPaths::add);
    expectedPaths.removeAll(ignoredPaths);
    assertThat(leaves.keySet()).containsExactlyInAnyOrderElementsOf(expectedPaths);
    for (String path : expectedPaths) {
      assertLeaf(path, leaves.get(path), expected.get(path));
    }
  }

  static void assertLeaf(String path, @Nullable Object actual, JsonNode e) {
    if (e.has("tensor")) {
      assertThat(actual).as(path).isInstanceOf(Tensor.class);
      assertTensor(path, (Tensor) actual, e);
      return;
    }
    String type = e.get("type").asText();
    switch (type) {
      case "int" -> assertThat(actual).as(path).isInstanceOfAny(Long.class, BigInteger.class)
          .hasToString(e.get("value").asText());
      case "float" -> assertThat(actual).as(path).isEqualTo(e.get("value").asDouble());
      case "str" -> assertThat(actual).as(path).isEqualTo(e.get("value").asText());
      case "bool" -> assertThat(actual).as(path).isEqualTo(e.get("value").asBoolean());
      case "NoneType" -> assertThat(actual).as(path).isNull();
      default -> throw new AssertionError(path + ": unknown type " + type);
    }
  }

  static void assertTensor(String path, Tensor t, JsonNode e) {
    ScalarType dtype = DTYPES.get(e.get("tensor").asText());
    assertThat(t.scalar_type().intern()).as(path + " dtype").isEqualTo(dtype);
    long[] shape = new long[(int) t.dim()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = t.size(i);
    }
    assertThat(shape).as(path + " shape").containsExactly(JSON.convertValue(e.get("shape"), long[].class));
    JsonNode values = e.get("values");
    if (FLOATING.contains(dtype)) {
      double[] expected = JSON.convertValue(values, double[].class);
      assertThat(doubles(t)).as(path + " values").containsExactly(expected);
    } else {
      long[] expected = JSON.convertValue(values, long[].class);
      assertThat(longs(t)).as(path + " values").containsExactly(expected);
    }
  }

  /** Elements in row-major logical order, as doubles. */
  static double[] doubles(Tensor t) {
    if (t.numel() == 0) {
      return new double[0];
    }
    try (Tensor c = t.to(ScalarType.Double).contiguous()) {
      return MemorySegment.ofAddress(c.data_ptr().address()).reinterpret(c.numel() * 8L)
          .toArray(ValueLayout.JAVA_DOUBLE);
    }
  }

  /** Elements in row-major logical order, as longs. */
  static long[] longs(Tensor t) {
    if (t.numel() == 0) {
      return new long[0];
    }
    try (Tensor c = t.to(ScalarType.Long).contiguous()) {
      return MemorySegment.ofAddress(c.data_ptr().address()).reinterpret(c.numel() * 8L)
          .toArray(ValueLayout.JAVA_LONG);
    }
  }
}

package io.github.mae4j.torch.weights;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One line of a name table: an official name and the name(s) it has in another layout. {@code {i}} stands for a
 * block index on both sides. With one external name the tensor is renamed; with several (HF's {@code query},
 * {@code key}, {@code value}) the official tensor is their concatenation along dimension 0, in that order, and
 * writing splits it into equal row blocks.
 *
 * @param official the official name pattern ({@code blocks.{i}.attn.qkv.weight})
 * @param external the names in the other layout, in concatenation order
 */
public record NameRule(String official, List<String> external) {
  private static final String INDEX = "{i}";

  public NameRule {
    external = List.copyOf(external);
    if (external.isEmpty()) {
      throw new IllegalArgumentException("rule for " + official + " names no external tensor");
    }
  }

  /** A rename. */
  public static NameRule rename(String official, String external) {
    return new NameRule(official, List.of(external));
  }

  /** A concatenation of {@code parts} along dimension 0 (qkv from query, key, value). */
  public static NameRule rows(String official, String... parts) {
    return new NameRule(official, List.of(parts));
  }

  /** Whether the tensor is split into row blocks in the other layout. */
  public boolean isSplit() {
    return external.size() > 1;
  }

  /** The block index when {@code name} fits {@code pattern} ("" without {@code {i}}), or null when it does not. */
  static @Nullable String match(String pattern, String name) {
    Matcher m = regex(pattern).matcher(name);
    if (!m.matches()) {
      return null;
    }
    return m.groupCount() == 0 ? "" : m.group(1);
  }

  /** {@code pattern} with {@code {i}} replaced by {@code index}. */
  static String fill(String pattern, String index) {
    return pattern.replace(INDEX, index);
  }

  private static Pattern regex(String pattern) {
    int at = pattern.indexOf(INDEX);
    if (at < 0) {
      return Pattern.compile(Pattern.quote(pattern));
    }
    return Pattern.compile(Pattern.quote(pattern.substring(0, at)) + "(\\d+)"
        + Pattern.quote(pattern.substring(at + INDEX.length())));
  }
}

package io.github.mae4j.torch.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WebDataset's shard names: {@code data/shard-{000000..000127}.tar} expands to 128 paths, the numbers keeping the
 * width of the first bound; several brace ranges multiply; a name without braces is one path.
 */
public final class ShardPattern {
  private static final Pattern RANGE = Pattern.compile("\\{(\\d+)\\.\\.(\\d+)}");

  private ShardPattern() {}

  /** True when {@code spec} names tar shards: it ends in {@code .tar} (after any brace range). */
  public static boolean isShards(String spec) {
    return spec.endsWith(".tar");
  }

  /**
   * The paths {@code pattern} names, in order.
   *
   * @throws IllegalArgumentException for a range whose end is below its start, or a malformed brace
   */
  public static List<Path> expand(String pattern) {
    List<String> out = new ArrayList<>();
    expand(pattern, out);
    return out.stream().map(Path::of).toList();
  }

  private static void expand(String pattern, List<String> out) {
    Matcher m = RANGE.matcher(pattern);
    if (!m.find()) {
      if (pattern.contains("{") || pattern.contains("}")) {
        throw new IllegalArgumentException("shard pattern " + pattern + " has a brace that is not a range "
            + "{FIRST..LAST} of numbers, e.g. data/shard-{000000..000127}.tar");
      }
      out.add(pattern);
      return;
    }
    String from = m.group(1);
    long a = Long.parseLong(from);
    long b = Long.parseLong(m.group(2));
    if (b < a) {
      throw new IllegalArgumentException("shard range {" + from + ".." + m.group(2) + "} in " + pattern
          + " ends before it starts");
    }
    String head = pattern.substring(0, m.start());
    String tail = pattern.substring(m.end());
    for (long i = a; i <= b; i++) {
      String n = Long.toString(i);
      expand(head + "0".repeat(Math.max(0, from.length() - n.length())) + n + tail, out);
    }
  }
}

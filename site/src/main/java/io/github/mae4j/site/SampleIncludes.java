package io.github.mae4j.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts compiled sample code into the documents, so that the site shows the code the build compiles, not a copy.
 *
 * <p>A document marks a region of a sample file (relative to the repository root) with
 *
 * <pre>
 * &lt;!-- include samples/src/main/java/…/JavaConfigs.java#readme --&gt;
 * ```java
 * …the same lines, for readers of the Markdown file…
 * ```
 * &lt;!-- end include --&gt;
 * </pre>
 *
 * and the sample file marks the region with {@code // tag::readme[]} and {@code // end::readme[]}. The site shows
 * the sample's lines and a link to the whole file. A copy between the markers that differs from the sample (other
 * than in indentation and blank lines at the ends) is an error, so documents and samples cannot drift apart.
 */
final class SampleIncludes {
  private static final Pattern INCLUDE = Pattern.compile(
      "(?m)^<!-- include (\\S+)#([\\w-]+) -->\\n(.*?)^<!-- end include -->$", Pattern.DOTALL);

  private final Path repo;

  SampleIncludes(Path repo) {
    this.repo = repo;
  }

  /**
   * {@code markdown} (the document at {@code from}) with every include replaced by the sample's region.
   *
   * @throws IllegalArgumentException when a file or tag is missing, or a copy differs from its sample
   */
  String expand(String from, String markdown) {
    Matcher m = INCLUDE.matcher(markdown);
    return m.replaceAll(r -> {
      String file = r.group(1);
      String tag = r.group(2);
      List<String> region = region(file, tag);
      List<String> copy = fencedBody(r.group(3));
      if (!copy.isEmpty() && !normalize(copy).equals(normalize(region))) {
        throw new IllegalArgumentException(from + ": the copy of " + file + "#" + tag
            + " differs from the compiled sample; replace it with the sample's lines:\n" + String.join("\n", region));
      }
      String lang = file.endsWith(".kt") ? "kotlin" : file.endsWith(".java") ? "java" : "";
      Path dir = Path.of(from).getParent();
      String rel = (dir == null ? Path.of(file) : dir.relativize(Path.of(file))).toString().replace('\\', '/');
      String name = Path.of(file).getFileName().toString();
      return Matcher.quoteReplacement("```" + lang + "\n" + String.join("\n", region) + "\n```\n\n"
          + "<p class=\"sample-source\">From <a href=\"" + rel + "\">" + name
          + "</a>, compiled and run by the build.</p>\n");
    });
  }

  /** The lines between {@code tag::name[]} and {@code end::name[]} in {@code file}, with common indentation removed. */
  List<String> region(String file, String tag) {
    List<String> lines;
    try {
      lines = Files.readAllLines(repo.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException("no sample file " + file, e);
    }
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("tag::" + tag + "[]")) {
        start = i + 1;
      } else if (lines.get(i).contains("end::" + tag + "[]")) {
        end = i;
        break;
      }
    }
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(file + " has no region tag::" + tag + "[] … end::" + tag + "[]");
    }
    List<String> region = new ArrayList<>(lines.subList(start, end));
    int indent = region.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    region.replaceAll(l -> l.isBlank() ? "" : l.substring(indent));
    return region;
  }

  private static List<String> fencedBody(String block) {
    List<String> lines = new ArrayList<>(block.lines().toList());
    while (!lines.isEmpty() && lines.getFirst().isBlank()) {
      lines.removeFirst();
    }
    while (!lines.isEmpty() && lines.getLast().isBlank()) {
      lines.removeLast();
    }
    if (lines.size() >= 2 && lines.getFirst().startsWith("```") && lines.getLast().startsWith("```")) {
      return lines.subList(1, lines.size() - 1);
    }
    return lines;
  }

  private static List<String> normalize(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.strip());
    }
    while (!out.isEmpty() && out.getFirst().isEmpty()) {
      out.removeFirst();
    }
    while (!out.isEmpty() && out.getLast().isEmpty()) {
      out.removeLast();
    }
    return out;
  }
}

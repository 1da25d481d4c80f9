package io.github.mae4j.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The API page: the three library modules with their Maven coordinates and packages (from their
 * {@code package-info.java}), each linked to its page of the aggregated Javadoc in {@code apidocs/}.
 */
final class ApiOverview {
  /** A library module: directory (= artifactId) and what it is for. */
  record Module(String artifactId, String summary) {}

  static final List<Module> LIBRARIES = List.of(
      new Module("mae-api", "configuration and recipe value types, schedules; no native dependency"),
      new Module("mae-recipes", "the paper's recipes and the small CPU recipes as data; no native dependency"),
      new Module("mae-torch-binding", "the model, trainer, data pipeline, downstream tasks and checkpoint "
          + "formats on libtorch"));
  private static final Pattern DOC = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);

  private final Path repo;
  private final String version;

  ApiOverview(Path repo, String version) {
    this.repo = repo;
    this.version = version;
  }

  String markdown() {
    StringBuilder md = new StringBuilder("# Modules and Javadoc\n\n");
    md.append("The [Javadoc of all three library modules](site:apidocs/index.html) is built with the site "
        + "(`maven-javadoc-plugin`); each library jar also ships its `-javadoc.jar` and `-sources.jar`. "
        + "Generated from the modules' `package-info.java`; packages named `internal` are not API and are left "
        + "out.\n\n");
    for (Module m : LIBRARIES) {
      md.append("## ").append(m.artifactId()).append("\n\n").append(capitalize(m.summary())).append(".\n\n");
      md.append("```xml\n<dependency>\n  <groupId>io.github.mae4j</groupId>\n  <artifactId>").append(m.artifactId())
          .append("</artifactId>\n  <version>").append(version).append("</version>\n</dependency>\n```\n\n");
      md.append("| package | what it holds |\n|---|---|\n");
      for (String[] p : packages(m.artifactId())) {
        md.append("| [`").append(p[0]).append("`](site:apidocs/").append(p[0].replace('.', '/'))
            .append("/package-summary.html) | ").append(p[1].replace("|", "\\|")).append(" |\n");
      }
      md.append('\n');
    }
    return md.toString();
  }

  private List<String[]> packages(String module) {
    Path src = repo.resolve(module).resolve("src/main/java");
    try (Stream<Path> files = Files.walk(src)) {
      return files.filter(f -> f.getFileName().toString().equals("package-info.java"))
          .map(f -> new String[] {src.relativize(f.getParent()).toString().replace('/', '.'), firstSentence(f)})
          .filter(p -> !p[0].endsWith(".internal") && !p[0].contains(".internal."))
          .sorted((a, b) -> a[0].compareTo(b[0]))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstSentence(Path packageInfo) {
    try {
      Matcher m = DOC.matcher(Files.readString(packageInfo));
      if (!m.find()) {
        return "";
      }
      String t = m.group(1).replaceAll("(?m)^\\s*\\*\\s?", " ").replaceAll("\\s+", " ").strip()
          .replaceAll("\\{@(?:code|link) #?([^}]*)}", "`$1`").replaceAll("<[^>]+>", "");
      int dot = t.indexOf(". ");
      return dot < 0 ? t : t.substring(0, dot + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}

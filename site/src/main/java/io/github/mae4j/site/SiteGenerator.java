package io.github.mae4j.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Renders the project's documentation ({@code README.md} as {@code index.html}, every {@code docs/*.md}) to HTML,
 * copies the images beside them and rewrites links between Markdown pages to the HTML pages.
 *
 * <p>{@code SiteGenerator <repo root> <output dir>}
 */
public final class SiteGenerator {
  private static final Pattern MD_LINK = Pattern.compile("href=\"(?!https?:)([^\"#]*?)\\.md(#[^\"]*)?\"");

  private final Parser parser;
  private final HtmlRenderer renderer;

  public SiteGenerator() {
    var extensions = List.of(TablesExtension.create());
    parser = Parser.builder().extensions(extensions).build();
    renderer = HtmlRenderer.builder().extensions(extensions).build();
  }

  /** The HTML page of one Markdown document. */
  public String page(String title, String markdown) {
    String body = renderer.render(parser.parse(markdown));
    body = MD_LINK.matcher(body).replaceAll(m -> {
      String target = m.group(1);
      String name = target.equals("README") || target.endsWith("/README") ? target.replace("README", "index") : target;
      name = name.startsWith("docs/") ? name.substring(5) : name.startsWith("../") ? name.substring(3) : name;
      return Matcher.quoteReplacement("href=\"" + name + ".html" + (m.group(2) == null ? "" : m.group(2)) + "\"");
    });
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
        + "</title>\n<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        + "line-height:1.5}pre{background:#f4f4f4;padding:.8rem;overflow:auto}code{font-size:.92em}"
        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}img{max-width:100%}"
        + "</style></head>\n<body>\n" + body + "</body></html>\n";
  }

  /** Renders {@code root}'s README and docs into {@code out}; returns the pages written. */
  public List<Path> render(Path root, Path out) throws IOException {
    Path readme = root.resolve("README.md");
    if (!Files.isRegularFile(readme)) {
      throw new IOException("no README.md under " + root.toAbsolutePath());
    }
    Files.createDirectories(out);
    List<Path> written = new ArrayList<>();
    written.add(write(out.resolve("index.html"), page("mae4j", Files.readString(readme))));
    Path docs = root.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (Stream<Path> files = Files.list(docs)) {
        for (Path f : files.sorted().toList()) {
          String name = f.getFileName().toString();
          if (name.endsWith(".md")) {
            String stem = name.substring(0, name.length() - 3);
            written.add(write(out.resolve(stem + ".html"), page("mae4j — " + stem, Files.readString(f))));
          } else if (name.endsWith(".png") || name.endsWith(".svg") || name.endsWith(".jpg")) {
            Files.copy(f, out.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.createDirectories(out.resolve("docs"));
            Files.copy(f, out.resolve("docs").resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
    return written;
  }

  private static Path write(Path p, String html) throws IOException {
    Files.writeString(p, html);
    return p;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: SiteGenerator <repo root> <output dir>");
      System.exit(2);
    }
    List<Path> pages = new SiteGenerator().render(Path.of(args[0]), Path.of(args[1]));
    System.out.println("[site] " + pages.size() + " pages in " + Path.of(args[1]).toAbsolutePath().normalize());
  }
}

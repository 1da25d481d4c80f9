package io.github.mae4j.site;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Builds the documentation site: the pages of {@link SiteMap} from {@code README.md}, {@code docs/**.md} and the
 * code ({@link GeneratedPages}), with navigation, a table of contents and search on every page, the compiled
 * samples included where documents mark them ({@link SampleIncludes}), charts from the measured tables
 * ({@link BenchmarkCharts}), the images and repository files the documents link to. The aggregated Javadoc under
 * {@code apidocs/} is written beside it by the build.
 *
 * <p>{@code SiteGenerator <repo root> <output dir> [version]}
 */
public final class SiteGenerator {
  private static final List<String> ASSETS = List.of("site.css", "site.js");

  private final SiteMap map;
  private final String version;

  public SiteGenerator(SiteMap map, String version) {
    this.map = map;
    this.version = version;
  }

  public SiteGenerator() {
    this(SiteMap.mae4j(), "0.1.0-SNAPSHOT");
  }

  /**
   * Renders the site of {@code root} into {@code out}; returns the pages written.
   *
   * @throws IOException when {@code root} has no README.md
   * @throws IllegalArgumentException when a document is not in the site map, a link names nothing, or a sample
   *     include does not match its sample
   */
  public List<Path> render(Path root, Path out) throws IOException {
    if (!Files.isRegularFile(root.resolve("README.md"))) {
      throw new IOException("no README.md under " + root.toAbsolutePath());
    }
    Map<String, String> documents = documents(root);
    for (String doc : documents.keySet()) {
      if (map.pageFor(doc).isEmpty()) {
        throw new IllegalArgumentException(doc + " is not in the site map: add it to a section of SiteMap");
      }
    }
    Files.createDirectories(out);
    LinkResolver links = new LinkResolver(root, map);
    MarkdownRenderer renderer = new MarkdownRenderer(links);
    SampleIncludes includes = new SampleIncludes(root);
    BenchmarkCharts charts = new BenchmarkCharts();
    charts.collectAll(renderer.parser(), documents);
    GeneratedPages generated = new GeneratedPages(root, version);
    PageLayout layout = new PageLayout(map);
    List<Path> written = new ArrayList<>();
    List<Map<String, Object>> search = new ArrayList<>();
    for (SiteMap.Page page : map.pages()) {
      String from;
      String markdown;
      switch (page.source()) {
        case SiteMap.Markdown m -> {
          from = m.path();
          markdown = Objects.requireNonNull(documents.get(from), () -> "missing document " + from);
        }
        case SiteMap.Generated g -> {
          // generated pages link as if they were documents in docs/
          from = "docs/" + page.output().replace(".html", ".md");
          markdown = generated.markdown(g.id());
        }
        case SiteMap.External e -> {
          continue;
        }
      }
      markdown = charts.expand(includes.expand(from, markdown), out);
      MarkdownRenderer.Rendered r = renderer.render(from, markdown, page.label());
      Path dest = out.resolve(page.output());
      Files.writeString(dest, layout.page(page, r.title(), r.html(), r.toc(), ""));
      written.add(dest);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("t", r.title());
      entry.put("u", page.output());
      entry.put("s", map.sectionOf(page).title());
      entry.put("h", r.toc().stream().map(t -> List.of(t.id(), t.text())).toList());
      entry.put("x", r.text().replaceAll("\\s+", " "));
      search.add(entry);
    }
    written.addAll(new SourcePages(root, layout).write(links.sources(), out));
    links.copyImages(out);
    for (String asset : ASSETS) {
      try (InputStream in = SiteGenerator.class.getResourceAsStream(asset)) {
        Files.copy(Objects.requireNonNull(in, asset), out.resolve(asset), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Favicon.write(out);
    Favicon.write(out);
    Files.writeString(out.resolve("search-index.js"),
        "window.MAE4J_SEARCH = " + new ObjectMapper().writeValueAsString(search) + ";\n");
    return written;
  }

  /** Every Markdown document of the site: README.md and docs/**.md, by path relative to {@code root}. */
  static Map<String, String> documents(Path root) throws IOException {
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("README.md", Files.readString(root.resolve("README.md")));
    Path dir = root.resolve("docs");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
          docs.put(root.relativize(f).toString().replace('\\', '/'), Files.readString(f));
        }
      }
    }
    return docs;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: SiteGenerator <repo root> <output dir> [version]");
      System.exit(2);
    }
    long t0 = System.nanoTime();
    String version = args.length == 3 ? args[2] : "0.1.0-SNAPSHOT";
    List<Path> pages = new SiteGenerator(SiteMap.mae4j(), version).render(Path.of(args[0]), Path.of(args[1]));
    System.out.printf("[site] %d pages in %s (%.1f s)%n", pages.size(),
        Path.of(args[1]).toAbsolutePath().normalize(), (System.nanoTime() - t0) / 1e9);
  }
}

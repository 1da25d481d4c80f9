package io.github.mae4j.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteGeneratorTest {
  @TempDir Path root;
  Path out;

  static final SiteMap MAP = new SiteMap(List.of(
      new SiteMap.Section("Start", List.of(
          new SiteMap.Page("index.html", "Overview", new SiteMap.Markdown("README.md")))),
      new SiteMap.Section("Guides", List.of(
          new SiteMap.Page("howto.html", "How to", new SiteMap.Markdown("docs/guides/howto.md")))),
      new SiteMap.Section("Benchmarks", List.of(
          new SiteMap.Page("benchmarks.html", "Benchmarks", new SiteMap.Markdown("docs/benchmarks.md"))))));

  @BeforeEach
  void repository() throws IOException {
    out = root.resolve("out");
    Files.writeString(root.resolve("README.md"), """
        # mae4j

        See [the CPU numbers](docs/benchmarks.md#cpu-step-time) and [how to](docs/guides/howto.md).

        <img src="docs/plot.png" alt="a plot">

        | a | b |
        |---|---|
        | 1 | 2 |
        """);
    Files.createDirectories(root.resolve("docs/guides"));
    Files.write(root.resolve("docs/plot.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Files.writeString(root.resolve("docs/benchmarks.md"), """
        # Benchmarks

        ## CPU: step time

        <!-- table steps -->
        | run | s/step, each run |
        |---|---|
        | Java | 2.0, 2.5 |
        | Python | 3.5, 3.9 |

        Back to the [README](../README.md); the [script](../tools/bench.py).
        """);
    Files.createDirectories(root.resolve("tools"));
    Files.writeString(root.resolve("tools/bench.py"), "print('<bench>')\n");
    Files.createDirectories(root.resolve("samples/src/main/java/x"));
    Files.writeString(root.resolve("samples/src/main/java/x/Sample.java"), """
        class Sample {
          void f() {
            // tag::hello[]
            String s = "hello";
            // end::hello[]
          }
        }
        """);
    Files.writeString(root.resolve("docs/guides/howto.md"), """
        # How to

        ## Say hello

        <!-- include samples/src/main/java/x/Sample.java#hello -->
        ```java
        String s = "hello";
        ```
        <!-- end include -->

        ## Draw

        <!-- chart steps | Step time | s -->
        """);
  }

  @Test
  void render_readmeAndDocs_writesPagesWithNavigationTocAndRewrittenLinks() throws IOException {
    var pages = new SiteGenerator(MAP, "1.0").render(root, out);
    assertThat(pages).extracting(p -> out.relativize(p).toString())
        .containsExactly("index.html", "howto.html", "benchmarks.html", "source/samples/src/main/java/x/Sample.java.html",
            "source/tools/bench.py.html");
    String index = Files.readString(out.resolve("index.html"));
    assertThat(index).contains("<title>mae4j</title>", "<h1 id=\"mae4j\">mae4j</h1>",
        "href=\"benchmarks.html#cpu-step-time\"", "href=\"howto.html\"", "src=\"img/docs/plot.png\"",
        "<td>1</td>", "<nav class=\"sections\"", ">Guides</a>", "aria-current=\"page\">Overview</a>");
    assertThat(out.resolve("img/docs/plot.png")).exists();
    String bench = Files.readString(out.resolve("benchmarks.html"));
    assertThat(bench).contains("<title>Benchmarks — mae4j</title>", "<h2 id=\"cpu-step-time\">",
        "<li class=\"l2\"><a href=\"#cpu-step-time\">CPU: step time</a></li>", "href=\"index.html\"",
        "href=\"source/tools/bench.py.html\"");
    assertThat(Files.readString(out.resolve("source/tools/bench.py.html")))
        .contains("print('&lt;bench&gt;')", "href=\"../../site.css\"");
    assertThat(out.resolve("site.css")).exists();
    assertThat(Files.readString(out.resolve("search-index.js"))).startsWith("window.MAE4J_SEARCH = [")
        .contains("\"u\":\"howto.html\"", "\"say-hello\"");
  }

  @Test
  void render_include_showsTheSampleRegionAndLinksTheFile() throws IOException {
    new SiteGenerator(MAP, "1.0").render(root, out);
    String howto = Files.readString(out.resolve("howto.html"));
    assertThat(howto).contains("<code class=\"language-java\">String s = &quot;hello&quot;;\n</code>",
        "From <a href=\"source/samples/src/main/java/x/Sample.java.html\">Sample.java</a>");
    assertThat(out.resolve("source/samples/src/main/java/x/Sample.java.html")).exists();
  }

  @Test
  void render_chart_drawsTheMarkedTable() throws IOException {
    new SiteGenerator(MAP, "1.0").render(root, out);
    assertThat(Files.readString(out.resolve("howto.html"))).contains("<img class=\"chart\" src=\"img/charts/steps.png\"");
    assertThat(javax.imageio.ImageIO.read(out.resolve("img/charts/steps.png").toFile()).getWidth()).isEqualTo(960);
  }

  @Test
  void render_copyThatDiffersFromTheSample_failsNamingDocumentAndSample() throws IOException {
    Path howto = root.resolve("docs/guides/howto.md");
    Files.writeString(howto, Files.readString(howto).replace("String s = \"hello\";", "String s = \"bye\";"));
    assertThatThrownBy(() -> new SiteGenerator(MAP, "1.0").render(root, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("docs/guides/howto.md: the copy of samples/src/main/java/x/Sample.java#hello differs");
  }

  @Test
  void render_linkToAMissingFile_failsNamingDocumentAndLink() throws IOException {
    Path bench = root.resolve("docs/benchmarks.md");
    Files.writeString(bench, Files.readString(bench) + "\nSee [gone](gone.md).\n");
    assertThatThrownBy(() -> new SiteGenerator(MAP, "1.0").render(root, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("docs/benchmarks.md: link \"gone.md\" names no file of the repository");
  }

  @Test
  void render_documentMissingFromTheSiteMap_failsNamingIt() throws IOException {
    Files.writeString(root.resolve("docs/new.md"), "# New\n");
    assertThatThrownBy(() -> new SiteGenerator(MAP, "1.0").render(root, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("docs/new.md is not in the site map");
  }

  @Test
  void render_noReadme_failsNamingThePath() throws IOException {
    Files.delete(root.resolve("README.md"));
    assertThatThrownBy(() -> new SiteGenerator(MAP, "1.0").render(root, out))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no README.md under");
  }

  @Test
  void slug_likeTheRepositoryView() {
    assertThat(MarkdownRenderer.slug("Run 5, 17:27–17:49 UTC (second session)")).isEqualTo("run-5-17271749-utc-second-session");
    assertThat(MarkdownRenderer.slug("PyTorch `.pth` checkpoints in mae4j")).isEqualTo("pytorch-pth-checkpoints-in-mae4j");
  }

  @Test
  void siteMap_everyDocumentOfThisRepository_isOnASection() throws IOException {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    for (String doc : SiteGenerator.documents(repo).keySet()) {
      assertThat(SiteMap.mae4j().pageFor(doc)).as(doc).isPresent();
    }
    assertThat(SiteMap.mae4j().sections()).extracting(SiteMap.Section::title)
        .containsExactly("Start", "Guides", "Recipes", "Results", "API", "Benchmarks");
  }
}

package io.github.mae4j.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteGeneratorTest {
  @TempDir Path root;

  @Test
  void render_readmeAndDocs_writesLinkedHtmlPages() throws IOException {
    Files.writeString(root.resolve("README.md"), "# mae4j\n\nSee [benchmarks](docs/benchmarks.md#cpu).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/benchmarks.md"), "# Benchmarks\n\nBack to [README](../README.md).\n");
    Path out = root.resolve("out");
    var pages = new SiteGenerator().render(root, out);
    assertThat(pages).hasSize(2);
    String index = Files.readString(out.resolve("index.html"));
    assertThat(index).contains("<h1>mae4j</h1>", "href=\"benchmarks.html#cpu\"", "<td>1</td>");
    assertThat(Files.readString(out.resolve("benchmarks.html"))).contains("href=\"index.html\"");
  }

  @Test
  void render_noReadme_failsNamingThePath() {
    assertThatThrownBy(() -> new SiteGenerator().render(root, root.resolve("out")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no README.md under");
  }

  @Test
  void render_thisRepository_rendersTheRealReadme() throws IOException {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    Path out = root.resolve("site");
    new SiteGenerator().render(repo, out);
    assertThat(Files.readString(out.resolve("index.html"))).contains("Quick start");
  }
}

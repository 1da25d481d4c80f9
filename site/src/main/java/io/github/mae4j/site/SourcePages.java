package io.github.mae4j.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Pages that show a file of the repository (a sample, a script, a recipe file) that a document links to. */
final class SourcePages {
  private final Path repo;
  private final PageLayout layout;

  SourcePages(Path repo, PageLayout layout) {
    this.repo = repo;
    this.layout = layout;
  }

  /** Writes one page per entry of {@code sources} (repository path to site path); returns the pages written. */
  List<Path> write(Map<String, String> sources, Path out) throws IOException {
    List<Path> written = new java.util.ArrayList<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path dest = out.resolve(e.getValue());
      Files.createDirectories(dest.getParent());
      int depth = e.getValue().split("/").length - 1;
      String root = "../".repeat(depth);
      String body = "<h1><code>" + PageLayout.escape(e.getKey()) + "</code></h1>\n<p>The file as it is in the "
          + "repository" + (e.getKey().startsWith("samples/") ? "; compiled and run by the build" : "") + ".</p>\n"
          + "<pre><code>" + PageLayout.escape(Files.readString(repo.resolve(e.getKey()))) + "</code></pre>\n";
      Files.writeString(dest, layout.page(null, e.getKey(), body, List.of(), root));
      written.add(dest);
    }
    return written;
  }
}

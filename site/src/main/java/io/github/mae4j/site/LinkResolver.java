package io.github.mae4j.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a link written in a Markdown file of the repository (as it works on the repository's web view) into a
 * link of the site, relative to the site root: another document becomes its page, an image is copied under
 * {@code img/}, a library source file becomes its Javadoc page under {@code apidocs/}, any other file of the
 * repository a source page under {@code source/}. {@code site:} links are already relative to the site root. A relative link to nothing is an
 * error naming the document and the link.
 */
final class LinkResolver {
  private static final Pattern LIBRARY_SOURCE =
      Pattern.compile("(?:mae-api|mae-recipes|mae-torch-binding)/src/main/java/(.+)\\.java");
  private static final Pattern IMAGE = Pattern.compile(".*\\.(png|jpe?g|svg|gif)");

  private final Path repo;
  private final SiteMap map;
  private final Map<String, String> images = new TreeMap<>();
  private final Map<String, String> sources = new TreeMap<>();

  LinkResolver(Path repo, SiteMap map) {
    this.repo = repo;
    this.map = map;
  }

  /**
   * The site link for {@code target}, written in the document at {@code from} (relative to the repository root).
   *
   * @throws IllegalArgumentException when a relative link names no file of the repository
   */
  String resolve(String from, String target) {
    if (target.isEmpty() || target.startsWith("#") || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")
        && !target.startsWith("site:")) {
      return target;
    }
    if (target.startsWith("site:")) {
      return target.substring(5);
    }
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String fragment = hash < 0 ? "" : target.substring(hash);
    Path parent = Path.of(from).getParent();
    Path resolved = (parent == null ? Path.of(path) : parent.resolve(path)).normalize();
    String p = resolved.toString().replace('\\', '/');
    if (p.startsWith("..") || p.isEmpty()) {
      throw new IllegalArgumentException(from + ": link \"" + target + "\" leaves the repository");
    }
    var page = map.pageFor(p);
    if (page.isPresent()) {
      return page.get().output() + fragment;
    }
    Matcher lib = LIBRARY_SOURCE.matcher(p);
    if (lib.matches()) {
      return "apidocs/" + lib.group(1) + ".html" + fragment;
    }
    Path file = repo.resolve(p);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(from + ": link \"" + target + "\" names no file of the repository ("
          + p + (p.endsWith(".md") ? "; a Markdown file must be listed in SiteMap" : "") + ")");
    }
    if (IMAGE.matcher(p.toLowerCase(Locale.ROOT)).matches()) {
      String out = "img/" + p;
      images.put(p, out);
      return out + fragment;
    }
    String out = "source/" + p + ".html";
    sources.put(p, out);
    return out + fragment;
  }

  /** Images linked so far: repository path to site path. */
  Map<String, String> images() {
    return images;
  }

  /** Other repository files linked so far: repository path to the site path of their source page. */
  Map<String, String> sources() {
    return sources;
  }

  /** Copies the linked images into the site. */
  void copyImages(Path out) {
    images.forEach((from, to) -> {
      try {
        Path dest = out.resolve(to);
        Files.createDirectories(dest.getParent());
        Files.copy(repo.resolve(from), dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}

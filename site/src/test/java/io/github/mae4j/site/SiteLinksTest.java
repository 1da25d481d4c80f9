package io.github.mae4j.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every link and image of the generated site (target/site, written by the build before the tests) leads somewhere:
 * each relative {@code href}/{@code src} of every page — the Javadoc's included — names a file of the site, and
 * each {@code #fragment} into one of the site's own pages names an element id there.
 */
class SiteLinksTest {
  private static final Pattern LINK = Pattern.compile("\\b(href|src)=\"([^\"]*)\"");
  private static final Pattern ID = Pattern.compile("\\bid=\"([^\"]+)\"");
  private static final Path SITE = SiteBrowserTest.SITE;
  private static List<Path> pages;

  @BeforeAll
  static void pages() throws IOException {
    assertThat(SITE.resolve("index.html")).as("the build writes the site before the tests (process-classes)")
        .exists();
    try (Stream<Path> files = Files.walk(SITE)) {
      pages = files.filter(f -> f.toString().endsWith(".html")).toList();
    }
  }

  @Test
  void everyPageOfTheSiteMap_isWritten() {
    for (SiteMap.Page p : SiteMap.mae4j().pages()) {
      assertThat(SITE.resolve(p.output())).as(p.label()).isRegularFile();
    }
  }

  @Test
  void everyRelativeLinkAndImage_namesAFileOfTheSite() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      String html = Files.readString(page);
      Matcher m = LINK.matcher(html);
      while (m.find()) {
        String target = m.group(2).replace("&amp;", "&");
        if (target.isEmpty() || target.startsWith("#") || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          continue;
        }
        String path = target.replaceAll("[?#].*$", "");
        Path file = page.getParent().resolve(URLDecoder.decode(path, StandardCharsets.UTF_8)).normalize();
        checked++;
        if (!file.startsWith(SITE.normalize()) || !Files.exists(file)) {
          broken.add(SITE.relativize(page) + ": " + m.group(1) + "=\"" + target + "\"");
        }
      }
    }
    assertThat(checked).as("links checked").isGreaterThan(1000);
    assertThat(broken).as("links to nothing").isEmpty();
  }

  @Test
  void everyFragmentIntoAPageOfTheSite_namesAnId() throws IOException {
    Map<Path, Set<String>> ids = new HashMap<>();
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      if (page.startsWith(SITE.resolve("apidocs"))) {
        continue; // the Javadoc's own anchors are javadoc's business
      }
      Matcher m = LINK.matcher(Files.readString(page));
      while (m.find()) {
        String target = m.group(2);
        int hash = target.indexOf('#');
        if (hash < 0 || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.length() == hash + 1) {
          continue;
        }
        Path file = target.startsWith("#") ? page : page.getParent().resolve(target.substring(0, hash)).normalize();
        if (file.startsWith(SITE.resolve("apidocs")) || !Files.isRegularFile(file)) {
          continue;
        }
        Set<String> known = ids.computeIfAbsent(file, SiteLinksTest::ids);
        String id = URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
        if (!known.contains(id)) {
          broken.add(SITE.relativize(page) + ": " + target);
        }
      }
    }
    assertThat(broken).as("fragments that name no id").isEmpty();
  }

  private static Set<String> ids(Path page) {
    try {
      Set<String> ids = new HashSet<>();
      ID.matcher(Files.readString(page)).results().forEach(r -> ids.add(r.group(1)));
      return ids;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

package io.github.mae4j.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated site (target/site, written by the build before the tests) in a real browser: Debian's headless
 * Chromium loads the pages from a loopback web server. Skipped, saying why, where no Chromium can be had
 * ({@code .ci/run} installs Debian's {@code chromium} when it runs as root). Full-page screenshots of the pages
 * it checks, at a desktop and at a phone width, go to {@code target/screenshots}.
 */
class SiteBrowserTest {
  static final Path SITE = Path.of("target/site");
  static final Path SCREENSHOTS = Path.of("target/screenshots");
  static final int DESKTOP = 1280;
  static final int PHONE = 390;

  static Path profile;
  static SiteServer server;
  static HeadlessChromium browser;

  /** Why the browser checks cannot run here, or null when they can. */
  static String skipReason;

  @BeforeAll
  static void start() throws Exception {
    assertThat(SITE.resolve("index.html")).as("the build writes the site before the tests (process-classes)")
        .exists();
    var chromium = HeadlessChromium.find();
    if (chromium.isEmpty()) {
      skip("no chromium on the PATH (or $CHROMIUM, or CHROMIUM=none): the browser checks of the site are skipped; "
          + "install Debian's chromium (.ci/run does so as root) to run them");
      return;
    }
    server = new SiteServer(SITE);
    profile = Files.createTempDirectory("mae4j-chromium-");
    try {
      browser = HeadlessChromium.start(chromium.get(), profile);
    } catch (IOException e) {
      skip("chromium is installed but does not start here, so the browser checks of the site are skipped: "
          + e.getMessage());
      return;
    }
    Files.createDirectories(SCREENSHOTS);
  }

  private static void skip(String reason) {
    skipReason = reason;
    System.err.println("[SiteBrowserTest] " + reason);
  }

  @BeforeEach
  void browserAvailable() {
    Assumptions.assumeTrue(skipReason == null, skipReason);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
    if (profile != null) {
      deleteQuietly(profile);
    }
  }

  /** Removes the browser profile; what the browser still holds is left to the system's temp cleaning. */
  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // best effort
    }
  }

  @Test
  void homeGuideAndRecipeReference_loadWithoutErrors_andScreenshotsAreWritten() throws IOException {
    for (String page : List.of("index.html", "pretrain-your-images.html", "recipe-reference.html")) {
      browser.viewport(DESKTOP, 900, false);
      browser.open(server.url(page));
      assertThat(browser.errors()).as("console errors on " + page).isEmpty();
      assertThat(browser.eval("document.title").asText()).as(page).isNotBlank().contains("mae4j");
      assertThat(browser.eval("document.querySelectorAll('nav.sections a').length").asInt()).as(page)
          .isEqualTo(SiteMap.mae4j().sections().size());
      assertThat(browser.eval("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
          + ".map(i => i.src)")).as("images that did not load on " + page).isEmpty();
      // every entry of the table of contents leads to a heading of the page
      JsonNode toc = browser.eval("[...document.querySelectorAll('aside.toc a')].map(a => a.hash.slice(1))");
      assertThat(toc.size()).as("table of contents of " + page).isPositive();
      assertThat(browser.eval("[...document.querySelectorAll('aside.toc a')]"
          + ".filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1)))).map(a => a.hash)"))
          .as("contents entries without a heading on " + page).isEmpty();
      String name = page.replace(".html", "");
      Files.write(SCREENSHOTS.resolve(name + ".png"), browser.fullPageScreenshot(DESKTOP, false));
      Files.write(SCREENSHOTS.resolve(name + "-phone.png"), browser.fullPageScreenshot(PHONE, true));
      // readable on a phone: nothing wider than the screen but what scrolls inside its own box (code, tables)
      assertThat(browser.eval("document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
          .as(page + " fits a " + PHONE + "-px wide phone without sideways scrolling").isTrue();
      assertThat(browser.errors()).as("errors on " + page + " at phone size").isEmpty();
    }
    assertThat(SCREENSHOTS.resolve("recipe-reference.png")).isNotEmptyFile();
  }

  @Test
  void navigation_fromTheHomePage_reachesEveryPageWithoutErrors() throws IOException {
    browser.viewport(DESKTOP, 900, false);
    Set<String> visited = new LinkedHashSet<>();
    Deque<String> queue = new ArrayDeque<>(List.of("index.html"));
    while (!queue.isEmpty()) {
      String page = queue.removeFirst();
      if (!visited.add(page)) {
        continue;
      }
      browser.open(server.url(page));
      assertThat(browser.errors()).as("console errors on " + page).isEmpty();
      String base = page.contains("/") ? page.substring(0, page.lastIndexOf('/') + 1) : "";
      // follow only this site's navigation, not the links inside Javadoc or page text
      for (JsonNode href : browser.eval("[...document.querySelectorAll('nav.sections a, nav.sidebar a')]"
          + ".map(a => a.getAttribute('href'))")) {
        queue.add(Path.of(base + href.asText()).normalize().toString());
      }
    }
    List<String> expected = SiteMap.mae4j().pages().stream().map(SiteMap.Page::output).toList();
    assertThat(visited).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void search_aWord_listsThePagesThatMentionIt() throws IOException {
    browser.viewport(DESKTOP, 900, false);
    browser.open(server.url("index.html"));
    JsonNode hits = browser.eval("(() => { const i = document.getElementById('search'); i.value = 'linprobe';"
        + " i.dispatchEvent(new Event('input')); return [...document.querySelectorAll('#search-results a')]"
        + ".map(a => a.getAttribute('href')); })()");
    assertThat(hits.size()).isPositive();
    assertThat(hits.toString()).contains("recipe-reference.html", "cli-reference.html");
    assertThat(browser.eval("document.getElementById('search-results').hidden").asBoolean()).isFalse();
    assertThat(browser.errors()).isEmpty();
  }
}

package io.github.mae4j.site;

import java.util.List;

/**
 * The frame of every page: the header with the site's sections and the search box, the navigation of every
 * section's pages, the page itself and its table of contents. Links are relative ({@code root} leads from the page
 * to the site root), so the site works from a file system as well as from a web server.
 */
final class PageLayout {
  private final SiteMap map;

  PageLayout(SiteMap map) {
    this.map = map;
  }

  /**
   * The HTML document of a page.
   *
   * @param current the page in the site map, or null for a page outside it (a source file)
   */
  String page(SiteMap.Page current, String title, String body, List<MarkdownRenderer.TocEntry> toc, String root) {
    SiteMap.Section section = current == null ? null : map.sectionOf(current);
    StringBuilder h = new StringBuilder(8192);
    h.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(escape(title)).append(title.equals("mae4j") ? "" : " — mae4j").append("</title>\n")
        .append("<link rel=\"icon\" href=\"").append(root).append("favicon.ico\">\n")
        .append("<link rel=\"stylesheet\" href=\"").append(root).append("site.css\">\n")
        .append("<script src=\"").append(root).append("search-index.js\" defer></script>\n")
        .append("<script src=\"").append(root).append("site.js\" defer></script>\n")
        .append("</head>\n<body data-root=\"").append(root).append("\">\n");
    h.append("<header class=\"top\">\n<a class=\"brand\" href=\"").append(root).append("index.html\">mae4j</a>\n")
        .append("<nav class=\"sections\" aria-label=\"Sections\">");
    for (SiteMap.Section s : map.sections()) {
      h.append("<a href=\"").append(root).append(s.pages().getFirst().output()).append('"')
          .append(s == section ? " aria-current=\"true\"" : "").append('>').append(escape(s.title())).append("</a>");
    }
    h.append("</nav>\n<div class=\"search\"><input type=\"search\" id=\"search\" placeholder=\"Search\" "
        + "aria-label=\"Search the documentation\" autocomplete=\"off\">"
        + "<ol id=\"search-results\" hidden></ol></div>\n</header>\n");
    h.append("<div class=\"layout\">\n<nav class=\"sidebar\" aria-label=\"Pages\"><details id=\"site-nav\" open>"
        + "<summary>All pages</summary>\n");
    for (SiteMap.Section s : map.sections()) {
      h.append("<h2>").append(escape(s.title())).append("</h2>\n<ul>");
      for (SiteMap.Page p : s.pages()) {
        h.append("<li><a href=\"").append(root).append(p.output()).append('"')
            .append(p == current ? " aria-current=\"page\"" : "").append('>').append(escape(p.label()))
            .append("</a></li>");
      }
      h.append("</ul>\n");
    }
    h.append("</details></nav>\n");
    if (!toc.isEmpty()) {
      h.append("<aside class=\"toc\" aria-label=\"On this page\"><details id=\"page-toc\" open>"
          + "<summary>On this page</summary>\n<ul>");
      for (MarkdownRenderer.TocEntry e : toc) {
        h.append("<li class=\"l").append(e.level()).append("\"><a href=\"#").append(e.id()).append("\">")
            .append(escape(e.text())).append("</a></li>");
      }
      h.append("</ul></details></aside>\n");
    }
    h.append("<main id=\"content\">\n").append(body).append("</main>\n</div>\n");
    h.append("<footer>Built from the repository by <code>./mvnw -B verify</code>: pages from README.md and docs/, "
        + "references and charts from the code, Javadoc from the library modules.</footer>\n</body>\n</html>\n");
    return h.toString();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

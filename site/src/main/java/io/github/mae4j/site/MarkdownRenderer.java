package io.github.mae4j.site;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Renders one Markdown document to the body of a page: headings get the ids the repository's web view gives them
 * (so {@code doc.md#section} links keep working), links are rewritten by the {@link LinkResolver}, and the
 * headings of levels 2 and 3 become the page's table of contents.
 */
final class MarkdownRenderer {
  private static final Pattern HTML_LINK = Pattern.compile("\\b(src|href)=\"([^\"]*)\"");

  /** One entry of a page's table of contents. */
  record TocEntry(int level, String id, String text) {}

  /** A rendered document. */
  record Rendered(String title, String html, List<TocEntry> toc, String text) {}

  private final Parser parser;
  private final List<org.commonmark.Extension> extensions = List.of(TablesExtension.create());
  private final LinkResolver links;

  MarkdownRenderer(LinkResolver links) {
    this.links = links;
    this.parser = Parser.builder().extensions(extensions).build();
  }

  Parser parser() {
    return parser;
  }

  /** Renders {@code markdown}, a document at {@code from} (relative to the repository root). */
  Rendered render(String from, String markdown, String fallbackTitle) {
    Node doc = parser.parse(markdown);
    Map<Node, String> ids = new IdentityHashMap<>();
    Map<String, Integer> used = new HashMap<>();
    List<TocEntry> toc = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    String[] title = {null};
    doc.accept(new AbstractVisitor() {
      @Override
      public void visit(Heading heading) {
        String t = textOf(heading);
        String id = slug(t);
        int n = used.merge(id, 1, Integer::sum);
        if (n > 1) {
          id = id + "-" + (n - 1);
        }
        ids.put(heading, id);
        if (heading.getLevel() == 1 && title[0] == null) {
          title[0] = t;
        } else if (heading.getLevel() == 2 || heading.getLevel() == 3) {
          toc.add(new TocEntry(heading.getLevel(), id, t));
        }
        visitChildren(heading);
      }

      @Override
      public void visit(Link link) {
        link.setDestination(links.resolve(from, link.getDestination()));
        visitChildren(link);
      }

      @Override
      public void visit(Image image) {
        image.setDestination(links.resolve(from, image.getDestination()));
        visitChildren(image);
      }

      @Override
      public void visit(HtmlBlock block) {
        block.setLiteral(rewriteHtml(from, block.getLiteral()));
      }

      @Override
      public void visit(HtmlInline inline) {
        inline.setLiteral(rewriteHtml(from, inline.getLiteral()));
      }

      @Override
      public void visit(Text t) {
        text.append(t.getLiteral()).append(' ');
      }

      @Override
      public void visit(Code code) {
        text.append(code.getLiteral()).append(' ');
      }
    });
    HtmlRenderer renderer = HtmlRenderer.builder()
        .extensions(extensions)
        .attributeProviderFactory(context -> (node, tagName, attributes) -> {
          String id = ids.get(node);
          if (id != null) {
            attributes.put("id", id);
          }
          if (node instanceof org.commonmark.ext.gfm.tables.TableBlock) {
            attributes.put("class", "table");
          }
        })
        .build();
    String html = renderer.render(doc);
    // wide tables scroll inside their own box on a phone instead of widening the page
    html = html.replace("<table class=\"table\">", "<div class=\"table-wrap\"><table>").replace("</table>", "</table></div>");
    return new Rendered(title[0] == null ? fallbackTitle : title[0], html, toc, text.toString());
  }

  private String rewriteHtml(String from, String html) {
    Matcher m = HTML_LINK.matcher(html);
    return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + "=\"" + links.resolve(from, r.group(2)) + "\""));
  }

  /** The text of a node and its children. */
  static String textOf(Node node) {
    StringBuilder sb = new StringBuilder();
    node.accept(new AbstractVisitor() {
      @Override
      public void visit(Text t) {
        sb.append(t.getLiteral());
      }

      @Override
      public void visit(Code c) {
        sb.append(c.getLiteral());
      }
    });
    return sb.toString();
  }

  /** The anchor the repository's web view gives a heading: lower case, punctuation dropped, spaces as '-'. */
  static String slug(String heading) {
    StringBuilder sb = new StringBuilder();
    for (int cp : heading.toLowerCase(Locale.ROOT).codePoints().toArray()) {
      if (Character.isLetterOrDigit(cp) || cp == '-' || cp == '_') {
        sb.appendCodePoint(cp);
      } else if (cp == ' ') {
        sb.append('-');
      }
    }
    return sb.isEmpty() ? "section" : sb.toString();
  }
}

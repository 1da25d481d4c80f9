package io.github.mae4j.site;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.CustomBlock;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Charts drawn from the measured tables of the documents, so that a chart cannot disagree with the numbers it
 * shows. A document marks a table with {@code <!-- table ID -->} on the line before it; another document (or the
 * same) draws it with {@code <!-- chart ID | title | axis label -->}: a bar chart with, for each row, the fastest
 * and the slowest of the runs listed in the row's second column (numbers separated by commas), written to
 * {@code img/charts/ID.png} in the site.
 */
final class BenchmarkCharts {
  private static final Pattern TABLE_MARK = Pattern.compile("<!-- table ([\\w-]+) -->\\s*");
  private static final Pattern CHART = Pattern.compile("(?m)^<!-- chart ([\\w-]+) \\| ([^|]+) \\| ([^|]+) -->$");
  private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");

  /** One row of a marked table: its label and the run values of its second column. */
  record Row(String label, List<Double> values) {}

  private final Map<String, List<Row>> tables = new LinkedHashMap<>();

  /** Collects the marked tables of a document. */
  void collect(String from, Node document) {
    document.accept(new AbstractVisitor() {
      @Override
      public void visit(HtmlBlock block) {
        Matcher m = TABLE_MARK.matcher(block.getLiteral());
        if (m.matches()) {
          Node next = block.getNext();
          if (!(next instanceof TableBlock table)) {
            throw new IllegalArgumentException(from + ": <!-- table " + m.group(1) + " --> is not followed by a table");
          }
          tables.put(m.group(1), rows(from, m.group(1), table));
        }
      }

      @Override
      public void visit(CustomBlock block) {
        visitChildren(block);
      }
    });
  }

  private static List<Row> rows(String from, String id, TableBlock table) {
    List<Row> rows = new ArrayList<>();
    for (Node part = table.getFirstChild(); part != null; part = part.getNext()) {
      if (!(part instanceof TableBody)) {
        continue;
      }
      for (Node row = part.getFirstChild(); row != null; row = row.getNext()) {
        if (row instanceof TableRow) {
          List<String> cells = new ArrayList<>();
          for (Node c = row.getFirstChild(); c != null; c = c.getNext()) {
            if (c instanceof TableCell) {
              cells.add(MarkdownRenderer.textOf(c));
            }
          }
          List<Double> values = new ArrayList<>();
          if (cells.size() > 1) {
            NUMBER.matcher(cells.get(1)).results().forEach(r -> values.add(Double.parseDouble(r.group())));
          }
          if (values.isEmpty()) {
            throw new IllegalArgumentException(from + ": row \"" + cells.getFirst() + "\" of table " + id
                + " has no number in its second column");
          }
          rows.add(new Row(cells.getFirst(), values));
        }
      }
    }
    return rows;
  }

  /** The rows of the table marked {@code id}. */
  List<Row> table(String id) {
    List<Row> rows = tables.get(id);
    if (rows == null) {
      throw new IllegalArgumentException("no table marked <!-- table " + id + " --> in the documents; marked: "
          + tables.keySet());
    }
    return rows;
  }

  /** {@code markdown} with every chart directive replaced by its figure; the charts are written under {@code out}. */
  String expand(String markdown, Path out) {
    Matcher m = CHART.matcher(markdown);
    return m.replaceAll(r -> {
      String id = r.group(1);
      try {
        draw(id, r.group(2).strip(), r.group(3).strip(), out.resolve("img/charts/" + id + ".png"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return Matcher.quoteReplacement("<img class=\"chart\" src=\"site:img/charts/" + id + ".png\" alt=\""
          + r.group(2).strip() + "\">");
    });
  }

  /**
   * Draws the table {@code id} as a bar chart PNG: one bar per row (named in full in the legend) for the fastest and
   * for the slowest of its runs.
   */
  void draw(String id, String title, String axis, Path png) throws IOException {
    List<Row> rows = table(id);
    System.setProperty("java.awt.headless", "true");
    CategoryChart chart = new CategoryChartBuilder().width(960).height(520 + 22 * rows.size()).title(title)
        .yAxisTitle(axis).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setLabelsPosition(0.9);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    List<String> runs = List.of("fastest run", "slowest run");
    for (Row r : rows) {
      DoubleSummaryStatistics s = r.values().stream().mapToDouble(Double::doubleValue).summaryStatistics();
      chart.addSeries(r.label().replaceAll("\\s+", " ").strip(), runs, List.of(s.getMin(), s.getMax()));
    }
    Files.createDirectories(png.getParent());
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Collects the marked tables of every document parsed by {@code parser}. */
  void collectAll(Parser parser, Map<String, String> documents) {
    documents.forEach((from, text) -> collect(from, parser.parse(text)));
  }
}

package io.github.mae4j.torch.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The loss curve of a run as a PNG (XChart): the loss of every logged iteration, and the mean loss of every
 * finished epoch plotted at the epoch's last iteration.
 */
public final class LossCurvePlot {
  /** Default image width in pixels. */
  public static final int WIDTH = 900;
  /** Default image height in pixels. */
  public static final int HEIGHT = 540;

  private LossCurvePlot() {}

  /** Writes the plot of {@code records} to {@code png} at the default size. */
  public static void write(List<MetricsRecord> records, String title, Path png) throws IOException {
    write(records, title, png, WIDTH, HEIGHT);
  }

  /**
   * Writes the plot of {@code records} to {@code png}.
   *
   * @throws IllegalArgumentException when there is no iteration record to plot
   */
  public static void write(List<MetricsRecord> records, String title, Path png, int width, int height)
      throws IOException {
    List<MetricsRecord> iters = records.stream().filter(MetricsRecord::isIteration).toList();
    List<MetricsRecord> epochs = records.stream().filter(MetricsRecord::isEpoch).toList();
    if (iters.isEmpty()) {
      throw new IllegalArgumentException("no iteration records to plot (got " + records.size() + " records)");
    }
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
        .xAxisTitle("iteration").yAxisTitle("loss").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendVisible(true);
    chart.getStyler().setMarkerSize(6);
    XYSeries s = chart.addSeries("loss (logged iterations)",
        iters.stream().mapToDouble(MetricsRecord::iter).toArray(),
        iters.stream().mapToDouble(MetricsRecord::loss).toArray());
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(new Color(70, 130, 180));
    s.setLineStyle(new BasicStroke(1.2f));
    if (!epochs.isEmpty()) {
      XYSeries e = chart.addSeries("epoch mean",
          epochs.stream().mapToDouble(MetricsRecord::iter).toArray(),
          epochs.stream().mapToDouble(MetricsRecord::loss).toArray());
      e.setMarker(SeriesMarkers.CIRCLE);
      e.setLineColor(new Color(220, 90, 40));
      e.setMarkerColor(new Color(220, 90, 40));
      e.setLineStyle(new BasicStroke(2f));
    }
    Path abs = png.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    AtomicFiles.write(abs, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
  }
}

package io.github.mae4j.torch.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long preparation step (counting files, measuring statistics, writing shards): {@code label done/total
 * (pct) rate/s elapsed eta} on one line, redrawn in place on a terminal (at most ~10 times a second), else printed
 * every {@code intervalSeconds} and at the end. Not thread-safe: report from one thread.
 */
public final class TaskProgress {
  private final PrintStream out;
  private final String label;
  private final String unit;
  private final boolean terminal;
  private final double intervalSeconds;
  private final long start = System.nanoTime();
  private long lastPrint = Long.MIN_VALUE;
  private boolean drawn;

  /**
   * @param unit what is counted, plural ("images", "files")
   */
  public TaskProgress(PrintStream out, String label, String unit, boolean terminal, double intervalSeconds) {
    this.out = out;
    this.label = label;
    this.unit = unit;
    this.terminal = terminal;
    this.intervalSeconds = intervalSeconds;
  }

  /** On standard error: redrawn when it is a terminal, else a line every {@code intervalSeconds}. */
  public static TaskProgress forStderr(String label, String unit, double intervalSeconds) {
    return new TaskProgress(System.err, label, unit, ProgressReporter.stderrIsTerminal(), intervalSeconds);
  }

  /** The line for {@code done} of {@code total} (total &lt;= 0: unknown) after {@code elapsed} seconds. */
  public String line(long done, long total, double elapsed) {
    double rate = done / Math.max(elapsed, 1e-9);
    StringBuilder sb = new StringBuilder(label).append(' ').append(done);
    if (total > 0) {
      sb.append('/').append(total).append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * done / total));
    }
    sb.append(String.format(Locale.ROOT, "  %.1f %s/s  elapsed %s", rate, unit, ProgressReporter.duration(elapsed)));
    if (total > 0) {
      sb.append("  eta ").append(done == 0 ? "--:--" : ProgressReporter.duration((total - done) / rate));
    }
    return sb.toString();
  }

  /** Reports {@code done} of {@code total}; the last call (done == total) always prints. */
  public void update(long done, long total) {
    long now = System.nanoTime();
    boolean last = total > 0 && done >= total;
    long gap = terminal ? 100_000_000L : (long) (intervalSeconds * 1e9);
    if (!last && lastPrint != Long.MIN_VALUE && now - lastPrint < gap) {
      return;
    }
    lastPrint = now;
    String text = line(done, total, (now - start) / 1e9);
    if (terminal) {
      out.print("\r\033[2K" + text);
      drawn = true;
      if (last) {
        finish();
      }
    } else {
      out.println(text);
    }
    out.flush();
  }

  /** Ends a redrawn line. */
  public void finish() {
    if (drawn) {
      out.println();
      drawn = false;
    }
    out.flush();
  }
}

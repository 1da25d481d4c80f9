package io.github.mae4j.torch.run;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Shows how a run goes: a one-line progress bar with ETA, images/s, loss and lr redrawn in place when standard
 * error is a terminal, otherwise (logs, CI, pipes) plain lines at most every {@code intervalSeconds}.
 */
public interface ProgressReporter {

  /**
   * Where a run stands after one iteration; {@code knnTop1} is the last k-NN top-1 accuracy measured between
   * epochs, NaN when none was.
   */
  record Snapshot(int epoch, int epochs, long iter, long totalIters, double loss, double lr,
      double imagesPerSec, double elapsedSec, double etaSec, double knnTop1) {
    /** A snapshot without a k-NN measurement. */
    public Snapshot(int epoch, int epochs, long iter, long totalIters, double loss, double lr, double imagesPerSec,
        double elapsedSec, double etaSec) {
      this(epoch, epochs, iter, totalIters, loss, lr, imagesPerSec, elapsedSec, etaSec, Double.NaN);
    }
  }

  /** Called after each iteration. */
  void update(Snapshot s);

  /** A message that must not be mixed into the bar (the bar is cleared first). */
  void message(String text);

  /** Ends the display (a terminal bar gets its final newline). */
  void finish();

  /** Prints nothing. */
  static ProgressReporter silent() {
    return new ProgressReporter() {
      @Override
      public void update(Snapshot s) {}

      @Override
      public void message(String text) {}

      @Override
      public void finish() {}
    };
  }

  /** A bar on a terminal, plain lines every {@code intervalSeconds} otherwise. */
  static ProgressReporter forStderr(double intervalSeconds) {
    return stderrIsTerminal()
        ? new TerminalProgressBar(System.err)
        : new PlainProgress(System.err, intervalSeconds);
  }

  /**
   * Whether standard error is an interactive terminal: a console is attached and file descriptor 2 is a tty
   * (checked through /proc on Linux; elsewhere the console decides).
   */
  static boolean stderrIsTerminal() {
    if (System.console() == null || "dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Path fd2 = Path.of("/proc/self/fd/2");
    if (Files.exists(fd2)) {
      try {
        String target = Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (Exception e) {
        return false;
      }
    }
    return System.console().isTerminal();
  }

  /** "1:02:03", "4:05" or "--:--" for an unknown duration. */
  static String duration(double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      return "--:--";
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** The plain-text status of a snapshot (shared by both displays). */
  static String status(Snapshot s) {
    return String.format(Locale.ROOT, "epoch %d/%d  iter %d/%d  loss %.4f  lr %.2e  %.1f img/s  elapsed %s  eta %s",
        s.epoch() + 1, s.epochs(), s.iter() + 1, s.totalIters(), s.loss(), s.lr(), s.imagesPerSec(),
        duration(s.elapsedSec()), duration(s.etaSec()))
        + (Double.isNaN(s.knnTop1()) ? "" : String.format(Locale.ROOT, "  knn %.1f%%", 100 * s.knnTop1()));
  }

  /** Plain lines, rate-limited. */
  final class PlainProgress implements ProgressReporter {
    private final PrintStream out;
    private final double intervalSeconds;
    private double lastPrinted = Double.NEGATIVE_INFINITY;

    public PlainProgress(PrintStream out, double intervalSeconds) {
      this.out = out;
      this.intervalSeconds = intervalSeconds;
    }

    @Override
    public void update(Snapshot s) {
      boolean last = s.iter() + 1 >= s.totalIters();
      if (last || s.elapsedSec() - lastPrinted >= intervalSeconds) {
        lastPrinted = s.elapsedSec();
        out.println(status(s));
      }
    }

    @Override
    public void message(String text) {
      out.println(text);
    }

    @Override
    public void finish() {
      out.flush();
    }
  }

  /** A bar redrawn in place with a carriage return, at most ~10 times a second. */
  final class TerminalProgressBar implements ProgressReporter {
    private static final int BAR = 24;
    private final PrintStream out;
    private long lastDrawNanos;
    private boolean drawn;

    public TerminalProgressBar(PrintStream out) {
      this.out = out;
    }

    @Override
    public void update(Snapshot s) {
      long now = System.nanoTime();
      boolean last = s.iter() + 1 >= s.totalIters();
      if (!last && now - lastDrawNanos < 100_000_000L) {
        return;
      }
      lastDrawNanos = now;
      double frac = s.totalIters() == 0 ? 1 : Math.min(1, (s.iter() + 1) / (double) s.totalIters());
      int full = (int) Math.round(frac * BAR);
      String bar = "█".repeat(full) + "░".repeat(BAR - full);
      out.print("\r\033[2K" + String.format(Locale.ROOT, "%3.0f%% %s ", 100 * frac, bar) + status(s));
      out.flush();
      drawn = true;
    }

    @Override
    public void message(String text) {
      if (drawn) {
        out.print("\r\033[2K");
      }
      out.println(text);
      lastDrawNanos = 0;
    }

    @Override
    public void finish() {
      if (drawn) {
        out.println();
        drawn = false;
      }
      out.flush();
    }
  }
}

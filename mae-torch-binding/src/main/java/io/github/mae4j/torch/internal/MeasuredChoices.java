package io.github.mae4j.torch.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Kernel choices made by timing on this machine, remembered on disk so that every later run — a resumed one
 * included — makes the same choice and so computes the same numbers (timing noise would otherwise flip close
 * calls from one process to the next). The file is {@code measured-choices.properties} in {@code mae4j.cacheDir}
 * (system property), else {@code $XDG_CACHE_HOME/mae4j}, else {@code ~/.cache/mae4j}; delete it to measure again.
 * Keys name the CPU model and libtorch version themselves, so one file serves a shared home across machines.
 */
public final class MeasuredChoices {
  private static final String FILE = "measured-choices.properties";
  private static final Object LOCK = new Object();

  private MeasuredChoices() {}

  /**
   * The choice remembered under {@code key} when it is one of {@code allowed}; otherwise {@code measure}'s answer,
   * remembered.
   */
  public static String choose(String key, List<String> allowed, Supplier<String> measure) {
    synchronized (LOCK) {
      String v = read().getProperty(key);
      if (v != null && allowed.contains(v)) {
        return v;
      }
    }
    String measured = measure.get(); // outside the lock: it runs kernels for a while
    if (!allowed.contains(measured)) {
      throw new IllegalStateException("measured choice " + measured + " for " + key + " is not one of " + allowed);
    }
    synchronized (LOCK) {
      write(key, measured);
    }
    return measured;
  }

  /** The file the choices live in. */
  public static Path file() {
    String dir = System.getProperty("mae4j.cacheDir");
    if (dir == null || dir.isBlank()) {
      String xdg = System.getenv("XDG_CACHE_HOME");
      dir = xdg != null && !xdg.isBlank() ? Path.of(xdg, "mae4j").toString()
          : Path.of(System.getProperty("user.home"), ".cache", "mae4j").toString();
    }
    return Path.of(dir, FILE);
  }

  private static Properties read() {
    Properties p = new Properties();
    Path f = file();
    if (Files.isRegularFile(f)) {
      try (Reader r = Files.newBufferedReader(f)) {
        p.load(r);
      } catch (IOException | IllegalArgumentException e) {
        // unreadable: measure again and rewrite it
      }
    }
    return p;
  }

  /** Adds one choice (written to a temporary file, then moved into place, so readers never see half a file). */
  private static void write(String key, String value) {
    Path f = file();
    try {
      Files.createDirectories(f.getParent());
      Properties p = read();
      p.setProperty(key, value);
      Path tmp = Files.createTempFile(f.getParent(), FILE, ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp)) {
        p.store(w, "mae4j: kernel choices measured on this machine; delete to measure again");
      }
      try {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // a read-only home: the choice still holds for this process (callers keep it in memory)
      System.getLogger(MeasuredChoices.class.getName()).log(System.Logger.Level.DEBUG,
          "cannot write " + f + ": " + e);
    }
  }
}

package io.github.mae4j.torch.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.mae4j.api.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's metrics as JSON lines ({@code metrics.jsonl}), one {@link MetricsRecord} per line, flushed after each
 * line so that a killed run keeps everything it logged. A resumed run first drops the lines at or after the
 * iteration it resumes from (a killed run may have logged past its last checkpoint), so the file never holds an
 * iteration twice.
 */
public final class MetricsLog implements AutoCloseable {
  private static final ObjectMapper MAPPER = Json.mapper().disable(SerializationFeature.INDENT_OUTPUT);

  private final Path path;
  private final BufferedWriter out;
  private boolean closed;

  private MetricsLog(Path path, BufferedWriter out) {
    this.path = path;
    this.out = out;
  }

  /** A new log (an existing file is replaced). */
  public static MetricsLog create(Path path) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    return new MetricsLog(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8));
  }

  /**
   * Continues the log of a run resumed at global iteration {@code fromIter}: lines of iterations
   * {@code >= fromIter} are dropped, then new lines are appended.
   */
  public static MetricsLog resume(Path path, long fromIter) throws IOException {
    List<MetricsRecord> kept = new ArrayList<>();
    if (Files.exists(path)) {
      for (MetricsRecord r : read(path)) {
        if (r.iter() < fromIter) {
          kept.add(r);
        }
      }
    }
    MetricsLog log = create(path);
    for (MetricsRecord r : kept) {
      log.append(r);
    }
    return log;
  }

  /** Appends one line and flushes it. */
  public void append(MetricsRecord record) {
    if (closed) {
      throw new IllegalStateException("metrics log " + path + " is closed");
    }
    try {
      out.write(MAPPER.writeValueAsString(record));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics to " + path, e);
    }
  }

  public Path path() {
    return path;
  }

  /** Reads every line of a metrics file; a torn last line (killed mid-write) is ignored. */
  public static List<MetricsRecord> read(Path path) throws IOException {
    List<MetricsRecord> records = new ArrayList<>();
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      try {
        records.add(MAPPER.readValue(line, MetricsRecord.class));
      } catch (IOException e) {
        if (i == lines.size() - 1) {
          break;
        }
        throw new IOException("bad metrics line " + (i + 1) + " in " + path + ": " + e.getMessage(), e);
      }
    }
    return records;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      out.close();
    }
  }

}

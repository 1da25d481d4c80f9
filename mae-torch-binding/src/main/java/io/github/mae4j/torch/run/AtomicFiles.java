package io.github.mae4j.torch.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.UnaryOperator;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a torn file: the
 * bytes go to a temporary file in the same directory, are forced to disk, and the temporary file is then renamed
 * over the target with {@link StandardCopyOption#ATOMIC_MOVE}. A failure at any point deletes the temporary file
 * and leaves the target untouched.
 */
public final class AtomicFiles {

  /** Writes the body of a file to a stream (the stream is closed by {@link AtomicFiles}). */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /** Atomically replaces (or creates) {@code target} with what {@code body} writes. */
  public static void write(Path target, Body body) throws IOException {
    write(target, body, UnaryOperator.identity());
  }

  /**
   * As {@link #write(Path, Body)}, with the stream passed through {@code decorate} first (tests use it to make the
   * stream fail part-way).
   */
  public static void write(Path target, Body body, UnaryOperator<OutputStream> decorate) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      // createTempFile makes the file private (0600); a written file gets the usual rw-r--r--
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    boolean done = false;
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          OutputStream raw = Channels.newOutputStream(channel);
          OutputStream out = decorate.apply(new java.io.BufferedOutputStream(raw, 1 << 20))) {
        body.writeTo(out);
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically; refusing a non-atomic write", e);
      }
      done = true;
      syncDirectory(dir);
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Forces the directory entry (the rename) to disk where the platform allows it. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms (Windows) cannot open a directory; the rename itself is still atomic
    }
  }
}

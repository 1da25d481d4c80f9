package io.github.mae4j.torch.run;

import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** mae4j's own checkpoint files: {@code torch.save} zips whose top-level dict names its format and version. */
public final class VersionedFile {
  private VersionedFile() {}

  /**
   * Reads a {@code torch.save} file whose top level is a dict with {@code "format": format} and
   * {@code "version": version}, as mae4j's checkpoints are; the caller frees its tensors with
   * {@link TorchCheckpoint#closeTensors(Object)}.
   *
   * @throws IOException naming the file when it is missing, unreadable, or of another format or version
   */
  public static Map<?, ?> read(Path path, String format, long version) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IOException("no checkpoint file at " + path);
    }
    Object tree;
    try {
      tree = TorchCheckpoint.read(path);
    } catch (IOException | RuntimeException e) {
      throw new IOException(path + " is not a readable mae4j checkpoint: " + e.getMessage(), e);
    }
    if (tree instanceof Map<?, ?> top && format.equals(top.get("format")) && top.get("version") instanceof Long v
        && v == version) {
      return top;
    }
    TorchCheckpoint.closeTensors(tree);
    String found = tree instanceof Map<?, ?> m ? m.get("format") + " version " + m.get("version") : "no dict";
    throw new IOException(path + " is not a " + format + " version " + version + " file (found " + found + ")");
  }
}

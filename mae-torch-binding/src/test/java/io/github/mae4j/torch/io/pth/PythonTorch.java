package io.github.mae4j.torch.io.pth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A Python interpreter that imports torch (MAE4J_PYTHON, python3, /usr/bin/python3), for live checks. */
public final class PythonTorch {
  private static Optional<String> found;

  private PythonTorch() {}

  public static synchronized Optional<String> interpreter() {
    if (found == null) {
      List<String> candidates = new ArrayList<>();
      String env = System.getenv("MAE4J_PYTHON");
      if (env != null && !env.isBlank()) {
        candidates.add(env);
      }
      candidates.add("python3");
      candidates.add("/usr/bin/python3");
      found = candidates.stream().filter(PythonTorch::importsTorch).findFirst();
    }
    return found;
  }

  private static boolean importsTorch(String python) {
    try {
      Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The repository root (holds tools/). */
  public static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("tools"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no tools/ directory above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** Runs tools/check_java_checkpoint.py with {@code args}; its JSON stdout. */
  static JsonNode checkJavaCheckpoint(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(interpreter().orElseThrow());
    cmd.add(repoRoot().resolve("tools/check_java_checkpoint.py").toString());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("check_java_checkpoint.py failed (" + cmd + "): " + out);
    }
    return Fixtures.JSON.readTree(out);
  }
}

package io.github.mae4j.torch;

import io.github.mae4j.torch.io.pth.PythonTorch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a PyTorch reference script from {@code tools/} with the interpreter {@link PythonTorch} finds. */
public final class PythonReference {
  private PythonReference() {}

  /** Whether a Python that imports torch is present (tests skip by assumption without one). */
  public static boolean available() {
    return PythonTorch.interpreter().isPresent();
  }

  /** The repository root (the directory holding {@code tools/}). */
  public static Path repoRoot() {
    return PythonTorch.repoRoot();
  }

  /**
   * Runs {@code tools/<script>} with {@code args} (one ATen thread, as the Java side runs); its standard output.
   *
   * @throws IllegalStateException when it fails or runs past {@code timeoutSeconds}, with its output
   */
  public static String run(String script, List<String> args, long timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(PythonTorch.interpreter().orElseThrow());
    cmd.add(repoRoot().resolve("tools").resolve(script).toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OMP_NUM_THREADS", "1");
    Path err = Files.createTempFile("python-reference", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(script + " ran past " + timeoutSeconds + " s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(script + " exited with " + p.exitValue() + ": " + Files.readString(err));
      }
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }
}

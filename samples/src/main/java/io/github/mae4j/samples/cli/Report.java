package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.train.PretrainRun;
import java.nio.file.Path;

/** The end-of-run report of {@code mae pretrain} and {@code mae resume}, on standard output. */
final class Report {
  private Report() {}

  static void print(PretrainRun.Result result) {
    System.out.print(result.summary().describe());
    for (Path p : result.written()) {
      if (!result.summary().written().contains(p)) {
        System.out.println("  wrote " + p);
      }
    }
    System.out.println("run directory: " + result.runDir().toAbsolutePath());
    if (!result.summary().completed()) {
      System.out.println("continue with: mae resume " + result.runDir());
    }
  }
}

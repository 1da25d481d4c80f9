package io.github.mae4j.torch.downstream;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the ranks of a data-parallel job as real JVM processes on 127.0.0.1 (torchrun's environment: RANK,
 * WORLD_SIZE, MASTER_ADDR, MASTER_PORT, …), each running a main class of the test class path, and waits for them.
 */
public final class RankProcesses {
  private RankProcesses() {}

  /** A free TCP port on this host. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Runs {@code main} with {@code args} as {@code world} processes and returns each one's combined output; every
   * process must exit 0 within {@code seconds} (otherwise all are killed and the assertion error holds their output).
   */
  public static List<String> run(Class<?> main, int world, long seconds, Path logDir, String... args)
      throws IOException, InterruptedException {
    int port = freePort();
    List<Process> ps = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    try {
      for (int rank = 0; rank < world; rank++) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
          if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-javaagent")) {
            cmd.add(a);
          }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("RANK", String.valueOf(rank));
        env.put("LOCAL_RANK", String.valueOf(rank));
        env.put("WORLD_SIZE", String.valueOf(world));
        env.put("LOCAL_WORLD_SIZE", String.valueOf(world));
        env.put("MASTER_ADDR", "127.0.0.1");
        env.put("MASTER_PORT", String.valueOf(port));
        env.put("MAE_DIST_TIMEOUT", "60");
        env.put("MAE4J_BLAS_THREADS", "1");
        env.put("OMP_NUM_THREADS", "1");
        Path log = logDir.resolve("rank" + rank + ".log");
        logs.add(log);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        ps.add(pb.start());
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      List<String> out = new ArrayList<>();
      for (int rank = 0; rank < world; rank++) {
        Process p = ps.get(rank);
        boolean done = p.waitFor(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        String text = Files.readString(logs.get(rank));
        if (!done || p.exitValue() != 0) {
          StringBuilder all = new StringBuilder();
          for (int r = 0; r < world; r++) {
            all.append("--- rank ").append(r).append(":\n").append(Files.readString(logs.get(r)));
          }
          throw new AssertionError("rank " + rank + (done ? " exited with " + p.exitValue() : " did not finish in "
              + seconds + " s") + "\n" + all);
        }
        out.add(text);
      }
      return out;
    } finally {
      for (Process p : ps) {
        if (p.isAlive()) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }
}

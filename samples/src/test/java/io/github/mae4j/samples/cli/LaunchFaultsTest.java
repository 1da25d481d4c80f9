package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of a distributed run, with real processes on 127.0.0.1: a rank killed with SIGKILL, the launcher stopped
 * with SIGTERM, ranks that disagree on the recipe, a port in use. Every test stops the processes it started.
 */
class LaunchFaultsTest {
  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** A JVM running {@code mae args...} with {@code env} added, its output in {@code log}. */
  Process mae(Map<String, String> env, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MaeCommand.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** A pretraining run long enough to be interrupted (the tiny recipe for 200 epochs). */
  String[] longPretrain(Path out) throws IOException {
    return new String[] {"pretrain", LaunchCommandTest.tinyRecipe(dir).toString(), "--epochs", "200", "--out",
        out.toString(), "--log-every", "1", "--workers", "1", "--checkpoint-every", "0"};
  }

  static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Waits until rank 0 logged {@code lines} metrics lines (training is under way). */
  static void awaitTraining(Path runDir, int lines, Process launcher, Path log) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    Path metrics = runDir.resolve("metrics.jsonl");
    while (System.nanoTime() < until) {
      if (Files.exists(metrics) && Files.readAllLines(metrics).size() >= lines) {
        return;
      }
      assertThat(launcher.isAlive()).as("launcher alive; log:%n%s", Files.readString(log)).isTrue();
      Thread.sleep(200);
    }
    throw new AssertionError("training did not start within 40 s; log:\n" + Files.readString(log));
  }

  /** The child of {@code launcher} that runs rank {@code rank} (read from its environment). */
  static ProcessHandle rankProcess(Process launcher, int rank) throws IOException {
    for (ProcessHandle c : launcher.children().toList()) {
      String environ = Files.readString(Path.of("/proc", String.valueOf(c.pid()), "environ"));
      if (List.of(environ.split("\0")).contains("RANK=" + rank)) {
        return c;
      }
    }
    throw new AssertionError("no child process of the launcher has RANK=" + rank);
  }

  @Test
  void rankKilledWithSigkill_othersStopNamingIt_launchExitsNonZero() throws Exception {
    Path log = dir.resolve("launch.log");
    Path run = dir.resolve("run");
    Process launcher = mae(Map.of("MAE_DIST_TIMEOUT", "20"), log, concat(new String[] {"launch",
        "--nproc-per-node", "2", "--master-port", String.valueOf(LaunchCommandTest.freePort()), "--"},
        longPretrain(run)));
    awaitTraining(run, 5, launcher, log);
    ProcessHandle rank0 = rankProcess(launcher, 0);
    ProcessHandle rank1 = rankProcess(launcher, 1);
    long t0 = System.nanoTime();
    rank1.destroyForcibly(); // SIGKILL
    assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("launcher ended within 60 s").isTrue();
    double seconds = (System.nanoTime() - t0) / 1e9;
    String out = Files.readString(log);
    assertThat(launcher.exitValue()).as(out).isNotZero();
    assertThat(rank0.isAlive()).isFalse();
    assertThat(out).contains("mae launch: rank 1 (pid " + rank1.pid() + ") was killed by SIGKILL");
    assertThat(out).as("rank 0 names the rank that went away").containsPattern(
        "mae pretrain: rank 0: rank 1 \\(pid " + rank1.pid() + "\\) went away \\(.* failed: .*\\)");
    assertThat(seconds).as("seconds until everything stopped").isLessThan(30);
    // the last checkpoint rank 0 wrote is intact
    assertThat(run.resolve("metrics.jsonl")).exists();
  }

  @Test
  void sigtermToLauncher_stopsEveryRank_noOrphans() throws Exception {
    Path log = dir.resolve("launch.log");
    Path run = dir.resolve("run");
    Process launcher = mae(Map.of(), log, concat(new String[] {"launch", "--nproc-per-node", "2",
        "--master-port", String.valueOf(LaunchCommandTest.freePort()), "--"}, longPretrain(run)));
    awaitTraining(run, 2, launcher, log);
    List<ProcessHandle> ranks = launcher.children().toList();
    assertThat(ranks).hasSize(2);
    launcher.destroy(); // SIGTERM
    assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).as("launcher ended").isTrue();
    assertThat(launcher.exitValue()).isNotZero();
    for (ProcessHandle r : ranks) {
      assertThat(r.onExit().get(10, TimeUnit.SECONDS).isAlive()).as("rank process %s", r.pid()).isFalse();
    }
  }

  @Test
  void ranksWithDifferentSeeds_failBeforeTheFirstStep() throws Exception {
    int port = LaunchCommandTest.freePort();
    Path run = dir.resolve("run");
    Process[] p = new Process[2];
    Path[] logs = new Path[2];
    for (int r = 0; r < 2; r++) {
      logs[r] = dir.resolve("rank" + r + ".log");
      p[r] = mae(Map.of("RANK", "" + r, "LOCAL_RANK", "" + r, "WORLD_SIZE", "2", "LOCAL_WORLD_SIZE", "2",
          "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "" + port, "MAE_DIST_TIMEOUT", "20"), logs[r],
          concat(longPretrain(run), "--seed", String.valueOf(r)));
    }
    for (int r = 0; r < 2; r++) {
      assertThat(p[r].waitFor(45, TimeUnit.SECONDS)).as("rank %d ended", r).isTrue();
      String out = Files.readString(logs[r]);
      assertThat(p[r].exitValue()).as(out).isEqualTo(1);
      assertThat(out).contains("rank 1 was started with a different recipe and seed than rank 0");
    }
    assertThat(run.resolve("metrics.jsonl")).as("no step was taken").doesNotExist();
  }

  @Test
  void portInUse_rankZeroFailsWithAClearMessage() throws Exception {
    try (ServerSocket busy = new ServerSocket(0)) {
      Path log = dir.resolve("rank0.log");
      Process p = mae(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT",
          "" + busy.getLocalPort(), "MAE_DIST_TIMEOUT", "10"), log, longPretrain(dir.resolve("run")));
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(log);
      assertThat(p.exitValue()).as(out).isEqualTo(1);
      assertThat(out).contains("rank 0 could not host the rendezvous store on 127.0.0.1:" + busy.getLocalPort());
    }
  }

  @Test
  void rankNotBelowWorldSize_failsAtOnce() throws Exception {
    Path log = dir.resolve("rank.log");
    Process p = mae(Map.of("RANK", "2", "LOCAL_RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1"), log,
        longPretrain(dir.resolve("run")));
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(log);
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out).contains("mae pretrain: RANK (2) must be in [0, WORLD_SIZE (2))");
  }

  @Test
  void usageErrors_exitWithTwoBeforeStartingAnything() {
    CliHarness cli = new CliHarness();
    assertThat(cli.run("launch", "--nproc-per-node", "0", "--", "pretrain")).isEqualTo(2);
    assertThat(cli.err()).contains("--nproc-per-node (0)");
    assertThat(new CliHarness().run("launch", "--nproc-per-node", "2")).isEqualTo(2);
    CliHarness self = new CliHarness();
    assertThat(self.run("launch", "--", "launch", "pretrain")).isEqualTo(2);
    assertThat(self.err()).contains("cannot launch itself");
    CliHarness verb = new CliHarness();
    assertThat(verb.run("launch", "--", "knn", "x")).isEqualTo(2);
    assertThat(verb.err()).contains("mae launch runs pretrain, resume, finetune, linprobe, not 'knn'");
    CliHarness port = new CliHarness();
    assertThat(port.run("launch", "--master-port", "0", "--", "pretrain")).isEqualTo(2);
    assertThat(port.err()).contains("--master-port (0) must be in [1, 65535]");
    CliHarness backend = new CliHarness();
    assertThat(backend.run("launch", "--backend", "mpi", "--", "pretrain")).isEqualTo(2);
    assertThat(backend.err()).contains("--backend (mpi) must be auto, gloo or nccl");
  }

  @Test
  void ncclWithoutCuda_failsBeforeTheRendezvousNamingBackendAndCuda() throws Exception {
    // what mae launch --backend nccl sets; no rank 1 and no store: the check comes before the rendezvous
    Path log = dir.resolve("nccl.log");
    Process p = mae(Map.of("RANK", "0", "LOCAL_RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1",
        "MASTER_PORT", String.valueOf(LaunchCommandTest.freePort()), "MAE_DIST_BACKEND", "nccl"), log,
        longPretrain(dir.resolve("nccl-run")));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(log);
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out).contains("the nccl backend").contains("needs CUDA, but CUDA is not available")
        .doesNotContain("iter 1/");
    assertThat(dir.resolve("nccl-run").resolve("checkpoint-last.ckpt")).doesNotExist();
  }

  @Test
  void describe_namesSignals() {
    assertThat(LaunchCommand.describe(137)).isEqualTo("was killed by SIGKILL (exit code 137)");
    assertThat(LaunchCommand.describe(143)).isEqualTo("was killed by SIGTERM (exit code 143)");
    assertThat(LaunchCommand.describe(1)).isEqualTo("exited with code 1");
  }

  @Test
  void finetuneAsOneOfTwoProcesses_joinsTheJob_andSaysSoWhenRankZeroNeverCame() throws Exception {
    // finetune and linprobe run distributed: rank 1 of 2 looks for rank 0's store instead of refusing
    for (String verb : new String[] {"finetune", "linprobe"}) {
      Path log = dir.resolve(verb + ".log");
      Process p = mae(Map.of("RANK", "1", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT",
          String.valueOf(LaunchCommandTest.freePort()), "MAE_DIST_TIMEOUT", "2"), log, verb, "--epochs", "1");
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(log);
      assertThat(p.exitValue()).as(out).isEqualTo(1);
      assertThat(out).contains("rank 1 could not reach the rendezvous store on 127.0.0.1:", "is rank 0 running?")
          .doesNotContain("does not run distributed yet");
    }
  }
}

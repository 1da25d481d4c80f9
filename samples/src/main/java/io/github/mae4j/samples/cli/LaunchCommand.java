package io.github.mae4j.samples.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mae launch}: starts the processes of a data-parallel job on this host, as torchrun does — each a JVM running
 * {@code mae VERB ARGS} with {@code RANK}, {@code LOCAL_RANK}, {@code WORLD_SIZE}, {@code LOCAL_WORLD_SIZE},
 * {@code MASTER_ADDR} and {@code MASTER_PORT} set — forwards their output (rank 0's as is, the others' prefixed with
 * their rank), and exits with the first non-zero exit code. When one process fails the others are stopped; SIGINT
 * and SIGTERM to the launcher stop them all; no process outlives the launcher.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
    description = {"Run a training verb as a data-parallel job of several processes on this host (Gloo on CPU).",
        "Each process gets torchrun's environment; rank 0 writes, the loss is averaged over the ranks.",
        "Example: mae launch --nproc-per-node 2 -- pretrain fashion-mnist-pretrain --data fashion-mnist"})
final class LaunchCommand implements Callable<Integer> {
  /** The verbs that run as one rank of a job. */
  static final List<String> DISTRIBUTED_VERBS = List.of("pretrain", "resume", "finetune", "linprobe");

  /** Seconds a process gets to end after SIGTERM before it is killed. */
  static final long GRACE_SECONDS = 10;

  @Option(names = "--nproc-per-node", paramLabel = "N", description = "Processes on this host (default 1).")
  int nprocPerNode = 1;

  @Option(names = "--nnodes", paramLabel = "M", description = "Hosts in the job (default 1).")
  int nnodes = 1;

  @Option(names = "--node-rank", paramLabel = "R", description = "This host's rank in [0, M) (default 0).")
  int nodeRank;

  @Option(names = "--master-addr", paramLabel = "HOST",
      description = "Host of rank 0, which hosts the rendezvous store (default 127.0.0.1).")
  String masterAddr = "127.0.0.1";

  @Option(names = "--master-port", paramLabel = "PORT", description = "Port of the rendezvous store (default 29500).")
  int masterPort = 29500;

  @Option(names = "--rdzv-file", paramLabel = "PATH",
      description = "Rendezvous over this shared file (a c10d FileStore) instead of a TCP store on the master.")
  @Nullable Path rdzvFile;

  @Option(names = "--grad-sync", paramLabel = "MODE",
      description = "How gradients are averaged: reducer (c10d's Reducer, overlapped with backward; default) or flat "
          + "(bucketed allreduce after backward). Sets MAE_DIST_GRAD_SYNC.")
  @Nullable String gradSync;

  @Option(names = "--backend", paramLabel = "NAME",
      description = "c10d backend: auto (default: nccl when the verb runs on a CUDA --device, gloo otherwise), gloo, "
          + "or nccl (CUDA; needs the gpu natives and one GPU per process on a host). Sets MAE_DIST_BACKEND.")
  @Nullable String backend;

  @Parameters(paramLabel = "VERB ARGS", arity = "1..*",
      description = "The verb and its arguments, after '--' (pretrain, resume, finetune, linprobe).")
  List<String> command = new ArrayList<>();

  private final List<Process> children = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (nprocPerNode < 1 || nnodes < 1 || nodeRank < 0 || nodeRank >= nnodes) {
      throw new IllegalArgumentException("--nproc-per-node (" + nprocPerNode + ") and --nnodes (" + nnodes
          + ") must be >= 1 and --node-rank (" + nodeRank + ") in [0, nnodes)");
    }
    if (masterPort < 1 || masterPort > 65535) {
      throw new IllegalArgumentException("--master-port (" + masterPort + ") must be in [1, 65535]");
    }
    if (backend != null && !List.of("auto", "gloo", "nccl").contains(backend)) {
      throw new IllegalArgumentException("--backend (" + backend + ") must be auto, gloo or nccl");
    }
    if (command.getFirst().equals("launch")) {
      throw new IllegalArgumentException("mae launch cannot launch itself");
    }
    if (!DISTRIBUTED_VERBS.contains(command.getFirst())) {
      throw new IllegalArgumentException("mae launch runs " + String.join(", ", DISTRIBUTED_VERBS) + ", not '"
          + command.getFirst() + "'");
    }
    int world = nnodes * nprocPerNode;
    if (rdzvFile != null && nodeRank == 0) {
      Files.deleteIfExists(rdzvFile); // a FileStore must start from a fresh file
    }
    Thread stopper = new Thread(this::stopAll, "mae-launch-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    BlockingQueue<Process> exits = new LinkedBlockingQueue<>();
    List<Thread> pumps = new ArrayList<>();
    try {
      for (int local = 0; local < nprocPerNode; local++) {
        int rank = nodeRank * nprocPerNode + local;
        ProcessBuilder pb = new ProcessBuilder(javaCommand());
        Map<String, String> env = pb.environment();
        env.put("RANK", String.valueOf(rank));
        env.put("LOCAL_RANK", String.valueOf(local));
        env.put("WORLD_SIZE", String.valueOf(world));
        env.put("LOCAL_WORLD_SIZE", String.valueOf(nprocPerNode));
        env.put("MASTER_ADDR", masterAddr);
        env.put("MASTER_PORT", String.valueOf(masterPort));
        if (gradSync != null) {
          env.put("MAE_DIST_GRAD_SYNC", gradSync);
        }
        if (backend != null) {
          env.put("MAE_DIST_BACKEND", backend);
        }
        if (rdzvFile != null) {
          env.put("MAE_RDZV_FILE", rdzvFile.toAbsolutePath().toString());
        }
        // share this host's cores between the processes (torchrun sets OMP_NUM_THREADS=1 likewise)
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / nprocPerNode);
        env.putIfAbsent("MAE4J_BLAS_THREADS", String.valueOf(threads));
        env.putIfAbsent("OMP_NUM_THREADS", String.valueOf(threads));
        Process p;
        synchronized (children) {
          p = pb.start();
          children.add(p);
        }
        p.getOutputStream().close();
        String prefix = rank == 0 ? "" : "[rank " + rank + "] ";
        pumps.add(pump(p.getInputStream(), System.out, prefix));
        pumps.add(pump(p.getErrorStream(), System.err, prefix));
        p.onExit().thenAccept(exits::add);
      }
      int firstFailure = 0;
      long stopAt = Long.MAX_VALUE;
      for (int done = 0; done < nprocPerNode; ) {
        long wait = stopAt == Long.MAX_VALUE ? Long.MAX_VALUE : stopAt - System.nanoTime();
        Process p = wait == Long.MAX_VALUE ? exits.take() : exits.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
        if (p == null) {
          stopAll(); // the others did not stop by themselves within the grace period
          stopAt = Long.MAX_VALUE;
          continue;
        }
        done++;
        int code = p.exitValue();
        if (code != 0 && firstFailure == 0) {
          firstFailure = code;
          int rank = nodeRank * nprocPerNode + children.indexOf(p);
          System.err.println("mae launch: rank " + rank + " (pid " + p.pid() + ") " + describe(code)
              + "; the other ranks stop at their next collective, or in " + GRACE_SECONDS + " s");
          // let the others notice and say so themselves (one line each), then stop whoever is left
          stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
        }
      }
      for (Thread t : pumps) {
        t.join(2000);
      }
      return firstFailure;
    } finally {
      stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs anyway
      }
    }
  }

  /** SIGTERM to every child still running, then SIGKILL after the grace period; waits for all of them. */
  private void stopAll() {
    List<Process> live;
    synchronized (children) {
      live = children.stream().filter(Process::isAlive).toList();
    }
    live.forEach(Process::destroy);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
    for (Process p : live) {
      try {
        long left = until - System.nanoTime();
        if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  static String describe(int code) {
    if (code > 128 && code < 128 + 65) {
      int signal = code - 128;
      String name = switch (signal) {
        case 2 -> "SIGINT";
        case 6 -> "SIGABRT";
        case 9 -> "SIGKILL";
        case 11 -> "SIGSEGV";
        case 15 -> "SIGTERM";
        default -> "signal " + signal;
      };
      return "was killed by " + name + " (exit code " + code + ")";
    }
    return "exited with code " + code;
  }

  /** The command that starts a JVM like this one on {@code mae VERB ARGS}. */
  private List<String> javaCommand() {
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
    cmd.add(MaeCommand.class.getName());
    cmd.addAll(command);
    return cmd;
  }

  private static Thread pump(InputStream in, PrintStream out, String prefix) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (out) {
            out.println(prefix + line);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "mae-launch-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }
}

package io.github.mae4j.torch.dist;

import io.github.mae4j.torch.Torch;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BackendOptional;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.FileStore;
import org.bytedeco.pytorch.ProcessGroup;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.jspecify.annotations.Nullable;

/**
 * The processes of one data-parallel job as this process sees them: its rank, the world size and a c10d process
 * group (Gloo on the CPU) formed at a rendezvous — a {@code TCPStore} hosted by rank 0 at {@code MASTER_ADDR:
 * MASTER_PORT}, or a {@code FileStore} on a shared file. Runs take one and behave the same on 1 or N processes; a
 * context of world size 1 ({@link #single()}) has no process group and its collectives return their input.
 *
 * <p>Every collective waits at most the environment's timeout. When one fails — a peer was killed, or stopped
 * answering — it throws a {@link DistributedException} whose one-line message names the rank that went away when
 * it ran on this host (ranks publish their host and process id at the rendezvous), otherwise the peer's address
 * as Gloo reports it.
 *
 * <p>Closing ends this context's use (idempotent; use after close throws). The native store, backend and process
 * group live until the process ends: releasing them from Java corrupted the heap in a test.
 */
public final class DistributedContext implements AutoCloseable {
  private static final String HOST = localHost();

  /**
   * The native store, Gloo backend and process group of every context, kept until the process ends: a test JVM that
   * released them from Java (after {@code setBackend} shared the backend with the group) later died of heap
   * corruption, so mae4j never frees them — one job per process, as torch's launchers run it.
   */
  static final List<org.bytedeco.javacpp.Pointer> KEPT = java.util.Collections.synchronizedList(new ArrayList<>());

  private final DistributedEnvironment env;
  private final @Nullable Store store;
  private final @Nullable ProcessGroupGloo gloo;
  private final @Nullable ProcessGroup group;
  /** c10d's NCCL backend for CUDA tensors, when the job runs on CUDA with NCCL. */
  private org.bytedeco.pytorch.@Nullable Backend nccl;
  private final List<String> peers = new ArrayList<>();
  private boolean closed;

  private DistributedContext(DistributedEnvironment env, @Nullable Store store, @Nullable ProcessGroupGloo gloo,
      @Nullable ProcessGroup group) {
    this.env = env;
    this.store = store;
    this.gloo = gloo;
    this.group = group;
  }

  /** One process alone. */
  public static DistributedContext single() {
    return new DistributedContext(DistributedEnvironment.single(), null, null, null);
  }

  /**
   * The job this process's environment describes ({@link DistributedEnvironment#fromSystem()}), connected; a
   * single process when the environment names no job.
   */
  public static DistributedContext fromEnvironment() {
    return fromEnvironment("cpu");
  }

  /**
   * The job this process's environment describes, connected for a run on {@code device} (which picks the backend
   * when the environment leaves it to the device: NCCL for CUDA, Gloo otherwise); a single process when the
   * environment names no job.
   */
  public static DistributedContext fromEnvironment(String device) {
    return DistributedEnvironment.fromSystem().map(e -> connect(e, device)).orElseGet(DistributedContext::single);
  }

  /** {@link #connect(DistributedEnvironment, String)} for a run on the CPU. */
  public static DistributedContext connect(DistributedEnvironment env) {
    return connect(env, "cpu");
  }

  /**
   * Joins the job {@code env} describes: the rendezvous, then a Gloo process group over it. Blocks until every rank
   * arrived or the timeout passed.
   *
   * With NCCL (asked for, or chosen for a CUDA {@code device}) the group has both backends, as torch's
   * {@code "cpu:gloo,cuda:nccl"}: CUDA tensors go through NCCL, CPU ones through Gloo; the process's current CUDA
   * device becomes {@code LOCAL_RANK} (see {@link #deviceFor(String)}).
   *
   * @throws DistributedException when the store cannot be hosted or reached, or the group cannot be formed; at once,
   *     before any rendezvous, when the backend is NCCL and this process has no CUDA
   */
  public static DistributedContext connect(DistributedEnvironment env, String device) {
    DistributedEnvironment.Backend backend = env.backend().forDevice(device);
    checkBackend(env, backend);
    if (env.worldSize() == 1) {
      return new DistributedContext(env, null, null, null);
    }
    Torch.load();
    long ms = env.timeout().toMillis();
    Store store = openStore(env, ms);
    ProcessGroupGloo gloo;
    ProcessGroup group;
    try {
      ProcessGroupGloo.Options o = new ProcessGroupGloo.Options(new Milliseconds(ms));
      o.devices().push_back(loopback(env.masterAddr()) && env.rdzvFile().isEmpty()
          ? ProcessGroupGloo.createDeviceForHostname("127.0.0.1")
          : System.getenv("GLOO_SOCKET_IFNAME") != null
              ? ProcessGroupGloo.createDeviceForInterface(System.getenv("GLOO_SOCKET_IFNAME"))
              : ProcessGroupGloo.createDefaultDevice());
      gloo = new ProcessGroupGloo(store, env.rank(), env.worldSize(), o);
      // c10d's Reducer wants the ProcessGroup facade: built without a store and given the Gloo backend, the way
      // that was shown to work with the Reducer (see docs/distributed.md on ProcessGroup(store, rank, size))
      group = new ProcessGroup(env.rank(), env.worldSize());
      group.setBackend(DeviceType.CPU, ProcessGroup.BackendType.GLOO, new BackendOptional(gloo));
      group.setDefaultBackend(ProcessGroup.BackendType.GLOO);
    } catch (RuntimeException e) {
      throw new DistributedException("rank " + env.rank() + " could not form the Gloo process group of "
          + env.worldSize() + " processes within " + seconds(env.timeout()) + ": " + firstLine(e), e);
    }
    org.bytedeco.pytorch.Backend ncclBackend = null;
    if (backend == DistributedEnvironment.Backend.NCCL) {
      try {
        ncclBackend = NcclBackend.create(store, env.rank(), env.worldSize(), env.localRank(), ms);
        group.setBackend(DeviceType.CUDA, ProcessGroup.BackendType.NCCL, new BackendOptional(ncclBackend));
        group.setDefaultBackend(ProcessGroup.BackendType.NCCL);
      } catch (RuntimeException | UnsatisfiedLinkError | NoClassDefFoundError e) {
        throw new DistributedException("rank " + env.rank() + " could not form the NCCL backend of "
            + env.worldSize() + " processes (CUDA device " + env.localRank() + "): " + firstLine(e)
            + "; the gpu natives (-Pgpu) and one GPU per local rank are needed", e);
      }
    }
    List<org.bytedeco.javacpp.Pointer> native_ = new ArrayList<>(List.of(store, gloo, group));
    if (ncclBackend != null) {
      native_.add(ncclBackend);
    }
    for (org.bytedeco.javacpp.Pointer p : native_) {
      p.retainReference(); // an enclosing PointerScope must not free them either
      KEPT.add(p);
    }
    DistributedContext c = new DistributedContext(env, store, gloo, group);
    c.nccl = ncclBackend;
    c.publishProcess();
    return c;
  }

  /** Refuses a backend this process cannot use, before the rendezvous: NCCL without CUDA names the missing CUDA. */
  static void checkBackend(DistributedEnvironment env, DistributedEnvironment.Backend backend) {
    if (backend != DistributedEnvironment.Backend.NCCL) {
      return;
    }
    Torch.load();
    String who = "rank " + env.rank() + ": the nccl backend (MAE_DIST_BACKEND / mae launch --backend, or a CUDA"
        + " device)";
    if (!torch.cuda_is_available()) {
      throw new DistributedException(who + " needs CUDA, but CUDA is not available to this process"
          + " (torch.cuda_is_available() is false: CPU natives or no GPU); use --backend gloo");
    }
    long gpus = torch.cuda_device_count();
    if (env.localRank() >= gpus) {
      throw new DistributedException(who + " gives each process on a host its own GPU, but LOCAL_RANK "
          + env.localRank() + " has none (" + gpus + " CUDA devices): start at most " + gpus + " processes per host");
    }
  }

  /** The backends carrying this job's collectives: {@code Gloo}, {@code NCCL + Gloo}, or {@code none} alone. */
  public String backendName() {
    return gloo == null ? "none" : nccl != null ? "NCCL + Gloo" : "Gloo";
  }

  /**
   * The device this rank runs on for a run asked to run on {@code device}: {@code cuda} becomes
   * {@code cuda:LOCAL_RANK} in a job of several processes (one GPU per process); anything else is kept.
   */
  public String deviceFor(String device) {
    String d = device.trim().toLowerCase(Locale.ROOT);
    return d.equals("cuda") && env.worldSize() > 1 ? "cuda:" + env.localRank() : device;
  }

  private static Store openStore(DistributedEnvironment env, long ms) {
    if (env.rdzvFile().isPresent()) {
      String path = env.rdzvFile().get().toAbsolutePath().toString();
      try {
        return new FileStore(path, env.worldSize());
      } catch (RuntimeException e) {
        throw new DistributedException("rendezvous file " + path + " cannot be used: " + firstLine(e), e);
      }
    }
    TCPStoreOptions so = new TCPStoreOptions();
    so.port((short) env.masterPort());
    so.isServer(env.rank() == 0);
    so.numWorkers(new SizeTPointer(1).put(env.worldSize()));
    so.waitWorkers(false);
    so.timeout(new Milliseconds(ms));
    try {
      return new TCPStore(env.masterAddr(), so);
    } catch (RuntimeException e) {
      String where = env.masterAddr() + ":" + env.masterPort();
      throw new DistributedException(env.rank() == 0
          ? "rank 0 could not host the rendezvous store on " + where + " (port in use or address not local?): "
              + firstLine(e)
          : "rank " + env.rank() + " could not reach the rendezvous store on " + where + " within "
              + seconds(env.timeout()) + " (is rank 0 running?): " + firstLine(e), e);
    }
  }

  /** The environment this context was built from. */
  public DistributedEnvironment environment() {
    return env;
  }

  /** This process's rank. */
  public int rank() {
    return env.rank();
  }

  /** Processes in the job. */
  public int worldSize() {
    return env.worldSize();
  }

  /** Whether this process is rank 0, the one that writes checkpoints, metrics and plots. */
  public boolean isMain() {
    return env.rank() == 0;
  }

  /** Whether there is more than one process. */
  public boolean isDistributed() {
    return env.worldSize() > 1;
  }

  /**
   * This process's share of a global batch of {@code globalBatch} images.
   *
   * @throws IllegalArgumentException when the world size does not divide it
   */
  public int shardBatch(int globalBatch) {
    if (globalBatch % env.worldSize() != 0) {
      throw new IllegalArgumentException("the batch size (" + globalBatch + ") must be divisible by the number of "
          + "processes (" + env.worldSize() + "): each process takes batch / processes images per step");
    }
    return globalBatch / env.worldSize();
  }

  /** The sums over all ranks of {@code values} (one small float64 allreduce). */
  public double[] allreduceSum(double... values) {
    checkOpen();
    if (gloo == null) {
      return values.clone();
    }
    try (PointerScope ignored = new PointerScope()) {
      Tensor t = torch.zeros(new long[] {values.length}, new TensorOptions(ScalarType.Double));
      new DoublePointer(t.data_ptr()).put(values);
      waitFor(gloo.allreduce(new TensorVector(t), new AllreduceOptions()), "allreduce");
      double[] out = new double[values.length];
      new DoublePointer(t.data_ptr()).get(out);
      return out;
    }
  }

  /**
   * Sums {@code tensor} (contiguous) over all ranks, in place: a CUDA tensor through NCCL when the job has it,
   * otherwise by way of the CPU through Gloo.
   */
  public void allreduceSumInPlace(Tensor tensor) {
    checkOpen();
    if (gloo == null) {
      return;
    }
    if (tensor.is_cuda() && nccl != null) {
      waitFor(nccl.allreduce(new TensorVector(tensor), new AllreduceOptions()), "allreduce");
    } else if (tensor.is_cuda()) {
      try (PointerScope ignored = new PointerScope()) {
        Tensor cpu = tensor.cpu().contiguous();
        waitFor(gloo.allreduce(new TensorVector(cpu), new AllreduceOptions()), "allreduce");
        tensor.copy_(cpu);
      }
    } else {
      waitFor(gloo.allreduce(new TensorVector(tensor), new AllreduceOptions()), "allreduce");
    }
  }

  /** Overwrites every tensor (contiguous; CUDA ones through NCCL when the job has it) with rank 0's values. */
  public void broadcastFromMain(Collection<Tensor> tensors) {
    checkOpen();
    if (gloo == null) {
      return;
    }
    for (Tensor t : tensors) {
      try (PointerScope ignored = new PointerScope()) {
        BroadcastOptions o = new BroadcastOptions();
        o.rootRank(0);
        if (t.is_cuda() && nccl != null) {
          waitFor(nccl.broadcast(new TensorVector(t), o), "broadcast");
        } else if (t.is_cuda()) {
          Tensor cpu = t.cpu().contiguous();
          waitFor(gloo.broadcast(new TensorVector(cpu), o), "broadcast");
          t.copy_(cpu);
        } else {
          waitFor(gloo.broadcast(new TensorVector(t), o), "broadcast");
        }
      }
    }
  }

  /** Waits until every rank arrived here (an allreduce of one number). */
  public void barrier() {
    allreduceSum(1);
  }

  /**
   * Checks that every rank holds the same {@code value} for {@code what} (a digest of the recipe and seed, say),
   * through the rendezvous store.
   *
   * @throws DistributedException naming the first rank whose value differs from rank 0's
   */
  public void agree(String what, String value) {
    checkOpen();
    if (store == null) {
      return;
    }
    try {
      store.set("mae/agree/" + what + "/" + env.rank(), bytes(value));
      String main = text(store.get("mae/agree/" + what + "/0"));
      DistributedException differs = null;
      for (int r = 1; r < env.worldSize() && differs == null; r++) {
        String other = text(store.get("mae/agree/" + what + "/" + r));
        if (!other.equals(main)) {
          differs = new DistributedException("rank " + r + " was started with a different " + what + " than rank 0"
              + " (" + abbreviate(other) + " vs " + abbreviate(main) + "): start every rank with the same arguments");
        }
      }
      // rank 0 hosts the TCPStore: it must not exit (closing the store) before every rank has read what it needs,
      // or the others would report "rank 0 went away" instead of the difference
      store.set("mae/agree/" + what + "/read/" + env.rank(), bytes("1"));
      if (env.rank() == 0) {
        for (int r = 1; r < env.worldSize(); r++) {
          store.get("mae/agree/" + what + "/read/" + r);
        }
      }
      if (differs != null) {
        throw differs;
      }
    } catch (DistributedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw failure("compare the " + what, e);
    }
  }

  /** The process group, for c10d's Reducer. */
  ProcessGroup processGroup() {
    checkOpen();
    if (group == null) {
      throw new IllegalStateException("a single process has no process group");
    }
    return group;
  }

  void waitFor(Work w, String op) {
    try {
      w._wait(new Milliseconds(env.timeout().toMillis()));
    } catch (RuntimeException e) {
      throw failure(op, e);
    }
  }

  /**
   * The exception for a collective {@code op} that failed with {@code cause}: names the ranks on this host whose
   * process ended (waiting up to 2 s for the operating system to notice), or says that a peer went away.
   */
  public DistributedException failure(String op, Throwable cause) {
    if (cause instanceof DistributedException d) {
      return d;
    }
    List<String> gone = new ArrayList<>();
    long until = System.nanoTime() + 2_000_000_000L;
    do {
      gone.clear();
      for (String p : peers) {
        String[] f = p.split(" ");
        if (f[1].equals(HOST) && Long.parseLong(f[2]) != ProcessHandle.current().pid()) {
          boolean alive = ProcessHandle.of(Long.parseLong(f[2])).map(ProcessHandle::isAlive).orElse(false);
          if (!alive) {
            gone.add("rank " + f[0] + " (pid " + f[2] + ")");
          }
        }
      }
      if (gone.isEmpty()) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    } while (gone.isEmpty() && System.nanoTime() < until);
    String who = gone.isEmpty() ? "a peer process went away or did not answer within " + seconds(env.timeout())
        : String.join(", ", gone) + (gone.size() == 1 ? " went away" : " went away");
    return new DistributedException("rank " + env.rank() + ": " + who + " (" + op + " failed: " + firstLine(cause)
        + ")", cause);
  }

  private void publishProcess() {
    if (store == null) {
      return;
    }
    try {
      store.set("mae/proc/" + env.rank(), bytes(env.rank() + " " + HOST + " " + ProcessHandle.current().pid()));
      for (int r = 0; r < env.worldSize(); r++) {
        peers.add(text(store.get("mae/proc/" + r)));
      }
    } catch (RuntimeException e) {
      throw failure("the rendezvous", e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("distributed context is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // the native objects stay alive until the process ends (see KEPT)
  }

  @Override
  public String toString() {
    return "rank " + env.rank() + " of " + env.worldSize();
  }

  private static ByteVector bytes(String s) {
    return new ByteVector(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(ByteVector v) {
    byte[] b = new byte[(int) v.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = v.get(i);
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() <= 16 ? s : s.substring(0, 16) + "…";
  }

  static String firstLine(Throwable e) {
    String m = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
  }

  private static boolean loopback(String addr) {
    return addr.equals("127.0.0.1") || addr.equals("localhost") || addr.equals("::1");
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}

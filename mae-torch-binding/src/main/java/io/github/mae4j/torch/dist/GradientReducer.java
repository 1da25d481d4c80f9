package io.github.mae4j.torch.dist;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolVector;
import org.bytedeco.pytorch.Reducer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.SizeTStringMap;
import org.bytedeco.pytorch.SizeTVector;
import org.bytedeco.pytorch.SizeTVectorVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * Averages the gradients of a model's parameters over the ranks of a {@link DistributedContext} at the end of each
 * accumulation window, as torch's {@code DistributedDataParallel} does, in one of two ways:
 *
 * <ul>
 *   <li>{@link Mode#REDUCER}: c10d's {@code Reducer} — the engine under DDP — groups the parameters into buckets of
 *       {@value #BUCKET_BYTES} bytes (in reverse order, as DDP does) and starts each bucket's allreduce from
 *       autograd hooks as soon as its gradients are ready, so communication overlaps the rest of backward.
 *   <li>{@link Mode#FLAT}: after backward, the gradients are flattened into buckets of the same size, allreduced one
 *       bucket at a time and copied back (no overlap; simpler, kept as a fallback and a yardstick).
 * </ul>
 *
 * Both divide the sum by the world size, so a step sees the mean gradient of the global batch. A micro-batch that
 * does not end the window ({@code sync == false}) leaves its gradients local, as DDP's {@code no_sync()}.
 *
 * <p>Call {@link #beforeForward}, {@link #beforeBackward} and {@link #afterBackward} around every micro-batch, with the
 * same {@code sync} on every rank. A failed collective surfaces as a {@link DistributedException}.
 */
public final class GradientReducer implements AutoCloseable {
  /** Bucket size, DDP's default (25 MiB). */
  public static final long BUCKET_BYTES = 25L * 1024 * 1024;

  /** How gradients are averaged. */
  public enum Mode {
    /** c10d's Reducer: bucketed, overlapped with backward. */
    REDUCER,
    /** Bucketed allreduce of flattened gradients after backward. */
    FLAT
  }

  private final DistributedContext context;
  private final Mode mode;
  private final List<Tensor> parameters;
  private final @Nullable Reducer reducer;
  private long syncNanos;
  private long syncs;
  private boolean closed;

  private GradientReducer(DistributedContext context, Mode mode, List<Tensor> parameters,
      @Nullable Reducer reducer) {
    this.context = context;
    this.mode = mode;
    this.parameters = parameters;
    this.reducer = reducer;
  }

  /**
   * Prepares gradient averaging of {@code parameters} (the trainable ones, all on the CPU) over {@code context}. With
   * a single process nothing is averaged. Every rank must pass the same parameters in the same order.
   */
  public static GradientReducer create(DistributedContext context, List<Tensor> parameters, Mode mode) {
    List<Tensor> params = List.copyOf(parameters);
    if (!context.isDistributed() || mode == Mode.FLAT) {
      return new GradientReducer(context, mode, params, null);
    }
    // DDP's bucketing: parameters in reverse order (gradients become ready roughly back to front)
    SizeTVectorVector buckets = new SizeTVectorVector();
    List<Long> current = new ArrayList<>();
    long bytes = 0;
    for (int i = params.size() - 1; i >= 0; i--) {
      current.add((long) i);
      bytes += params.get(i).nbytes();
      if (bytes >= BUCKET_BYTES) {
        buckets.push_back(sizes(current));
        current.clear();
        bytes = 0;
      }
    }
    if (!current.isEmpty()) {
      buckets.push_back(sizes(current));
    }
    BoolVector sparse = new BoolVector(params.size());
    for (long i = 0; i < params.size(); i++) {
      sparse.put(i, false);
    }
    try {
      Reducer r = new Reducer(new TensorVector(params.toArray(new Tensor[0])), buckets, context.processGroup(),
          sparse, BUCKET_BYTES, false, false, new SizeTStringMap(), BUCKET_BYTES, false, false);
      r.retainReference(); // freed never (see DistributedContext.KEPT); close() removes its autograd hooks
      DistributedContext.KEPT.add(r);
      return new GradientReducer(context, mode, params, r);
    } catch (RuntimeException e) {
      throw new DistributedException("c10d's Reducer could not be built over " + params.size() + " parameters: "
          + DistributedContext.firstLine(e), e);
    }
  }

  private static SizeTVector sizes(List<Long> indices) {
    long[] a = new long[indices.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = indices.get(i);
    }
    return new SizeTVector(a);
  }

  /** The way gradients are averaged. */
  public Mode mode() {
    return mode;
  }

  /** Before the forward pass of a micro-batch. */
  public void beforeForward(boolean sync) {
    checkOpen();
    if (reducer != null && sync) {
      reducer.prepare_for_forward();
    }
  }

  /**
   * The backward pass of {@code loss} in a training loop that may be one rank of a job: with {@code reducer} set,
   * the gradients of the window that {@code sync} ends are averaged over the ranks (the Reducer's hooks during
   * backward, or the flat allreduce after it); with none, a plain backward.
   *
   * @throws DistributedException when the averaging fails (a peer went away), naming the rank where it can
   */
  public static void backward(@Nullable GradientReducer reducer, Tensor loss, boolean sync) {
    if (reducer == null) {
      loss.backward();
      return;
    }
    reducer.beforeBackward(sync);
    try {
      loss.backward();
      reducer.afterBackward(sync);
    } catch (RuntimeException e) {
      throw reducer.context.failure("gradient allreduce", e);
    }
  }

  /**
   * After a backward that ran outside this reducer (a batch split across the cores, whose shards' gradients are
   * already added up): the flat allreduce when {@code sync} ends the window. Not for {@link Mode#REDUCER}, whose
   * hooks must see the backward.
   *
   * @throws IllegalStateException with the Reducer's mode
   * @throws DistributedException when the averaging fails
   */
  public static void afterSplitBackward(@Nullable GradientReducer reducer, boolean sync) {
    if (reducer == null) {
      return;
    }
    if (reducer.reducer != null) {
      throw new IllegalStateException("c10d's Reducer averages gradients from hooks during backward: a split"
          + " backward needs Mode.FLAT");
    }
    try {
      reducer.afterBackward(sync);
    } catch (RuntimeException e) {
      throw reducer.context.failure("gradient allreduce", e);
    }
  }

  /** After the forward pass, before backward: arms the Reducer's hooks when this micro-batch ends the window. */
  public void beforeBackward(boolean sync) {
    checkOpen();
    if (reducer != null && sync) {
      reducer.prepare_for_backward(new TensorVector());
    }
  }

  /** After backward: the flat allreduce when this micro-batch ends the window (the Reducer is done by now). */
  public void afterBackward(boolean sync) {
    checkOpen();
    if (!sync || !context.isDistributed() || reducer != null) {
      return;
    }
    long t0 = System.nanoTime();
    int world = context.worldSize();
    int from = 0;
    while (from < parameters.size()) {
      int to = from;
      long bytes = 0;
      while (to < parameters.size() && (to == from || bytes + parameters.get(to).nbytes() <= BUCKET_BYTES)) {
        bytes += parameters.get(to).nbytes();
        to++;
      }
      try (PointerScope ignored = new PointerScope()) {
        Tensor[] grads = new Tensor[to - from];
        for (int i = from; i < to; i++) {
          Tensor p = parameters.get(i);
          Tensor g = p.grad();
          if (!g.defined()) {
            p.mutable_grad().put(torch.zeros_like(p));
            g = p.grad();
          }
          grads[i - from] = g;
        }
        Tensor[] flat = new Tensor[grads.length];
        for (int i = 0; i < grads.length; i++) {
          flat[i] = grads[i].reshape(-1);
        }
        Tensor bucket = torch.cat(new TensorVector(flat));
        context.allreduceSumInPlace(bucket);
        bucket.div_(new Scalar(world));
        long offset = 0;
        for (Tensor g : grads) {
          long n = g.numel();
          g.copy_(bucket.narrow(0, offset, n).view_as(g));
          offset += n;
        }
      }
      from = to;
    }
    syncNanos += System.nanoTime() - t0;
    syncs++;
  }

  /**
   * Mean seconds per window spent in the flat allreduce (copies included); 0 for the Reducer, whose allreduce
   * overlaps backward and is measured by the step time instead.
   */
  public double meanSyncSeconds() {
    return syncs == 0 ? 0 : syncNanos / 1e9 / syncs;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("gradient reducer is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (reducer != null) {
        reducer.remove_autograd_hooks();
      }
    }
  }
}

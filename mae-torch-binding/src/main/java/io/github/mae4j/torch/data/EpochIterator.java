package io.github.mae4j.torch.data;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The batches of one epoch, in order, made ahead by the loader's workers (at most {@link DataLoader#prefetch()}
 * in flight). Used from one consumer thread. A worker's failure is rethrown by {@link #next()} with the epoch and
 * batch in the message: an {@link IllegalArgumentException} stays one (bad configuration or data), anything else
 * becomes a {@link DataLoadingException}. Closing frees what was prefetched; closing twice is harmless.
 */
public final class EpochIterator implements Iterator<Batch>, AutoCloseable {
  private record Pending(BatchAssembler.Slot slot, Future<Batch> future) {}

  private final DataLoader loader;
  private final int epoch;
  private final int[] order;
  private final int batches;
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
  private int submitted;
  private int taken;
  private boolean closed;

  EpochIterator(DataLoader loader, int epoch, int[] order) {
    this.loader = loader;
    this.epoch = epoch;
    this.order = order;
    this.batches = loader.batchesPerEpoch();
    fill();
  }

  /** The epoch. */
  public int epoch() {
    return epoch;
  }

  /** Batches in this epoch. */
  public int batches() {
    return batches;
  }

  @Override
  public synchronized boolean hasNext() {
    return !closed && taken < batches;
  }

  /**
   * The next batch; the caller closes it.
   *
   * @throws NoSuchElementException when the epoch is over or this iterator is closed
   */
  @Override
  public synchronized Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException(closed ? "epoch iterator is closed" : "epoch " + epoch + " is over");
    }
    Pending p = inFlight.poll();
    taken++;
    fill();
    Batch b;
    try {
      b = p.future().get();
    } catch (InterruptedException | CancellationException | ExecutionException e) {
      p.slot().discard();
      close();
      throw failure(p, e);
    }
    if (b == null) {
      p.slot().discard();
      close();
      throw new IllegalStateException("batch " + p.slot().number + " of epoch " + epoch + " was discarded");
    }
    p.slot().claim();
    if (taken == batches) {
      close();
    }
    return b;
  }

  private RuntimeException failure(Pending p, Exception failure) {
    try {
      throw failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new DataLoadingException("interrupted waiting for batch " + p.slot().number + " of epoch " + epoch, e);
    } catch (CancellationException e) {
      return new IllegalStateException("batch " + p.slot().number + " of epoch " + epoch + " was cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String where = "epoch " + epoch + " batch " + p.slot().number + ": ";
      if (cause instanceof IllegalArgumentException iae) {
        return new IllegalArgumentException(where + iae.getMessage(), iae);
      }
      return new DataLoadingException(where + cause, cause);
    } catch (Exception e) {
      return new DataLoadingException("epoch " + epoch + " batch " + p.slot().number + ": " + e, e);
    }
  }

  private void fill() {
    while (!closed && submitted < batches && inFlight.size() < loader.prefetch()) {
      int number = submitted++;
      int start = number * loader.batchSize();
      int count = Math.min(loader.batchSize(), order.length - start);
      BatchAssembler.Slot slot = new BatchAssembler.Slot(epoch, number);
      Future<Batch> f = loader.pool().submit(() -> loader.assembler().assemble(slot, order, start, count));
      inFlight.add(new Pending(slot, f));
    }
  }

  /** Stops making this epoch's batches and frees the ones made but not taken. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Pending p : inFlight) {
      p.future().cancel(false); // no interrupt: an interrupted file read would look like a corrupt file
      p.slot().discard(); // frees its memory whether the worker finished it or not
    }
    inFlight.clear();
    loader.forget(this);
  }
}

package io.github.mae4j.torch.downstream.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mae4j.api.Json;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import io.github.mae4j.torch.run.Provenance;
import io.github.mae4j.torch.run.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The epoch bookkeeping of a downstream run: on a resume it reads the checkpoint and checks that it belongs to
 * this run (kind, recipe, identity, trainable parameters); after each epoch it writes the checkpoint and a
 * {@code metrics.jsonl} line. With {@link RunDirectory#none()} it only collects the statistics; with a
 * {@link RunDirectory#readOnly()} directory it reads the checkpoint to resume but writes nothing.
 */
public final class EpochRecorder implements AutoCloseable {
  private static final ObjectMapper MAPPER = Json.mapper();

  private final RunDirectory dir;
  private final String kind;
  private final String recipeJson;
  private final Map<String, String> identity;
  private final List<String> trainable;
  private final long stepsPerEpoch;
  private final long imagesPerEpoch;
  private final @Nullable DownstreamCheckpoint resumed;
  private final @Nullable MetricsLog metrics;
  private final List<EpochStats> stats = new ArrayList<>();
  private final long start = System.nanoTime();

  private EpochRecorder(RunDirectory dir, String kind, String recipeJson, Map<String, String> identity,
      List<String> trainable, long stepsPerEpoch, long imagesPerEpoch) throws IOException {
    this.dir = dir;
    this.kind = kind;
    this.recipeJson = recipeJson;
    this.identity = Map.copyOf(identity);
    this.trainable = List.copyOf(trainable);
    this.stepsPerEpoch = stepsPerEpoch;
    this.imagesPerEpoch = imagesPerEpoch;
    Optional<Path> path = dir.path();
    if (path.isEmpty()) {
      resumed = null;
      metrics = null;
      return;
    }
    resumed = dir.isResume() ? checked(RunDirectory.read(path.get())) : null;
    stats.addAll(resumed == null ? List.of() : resumed.stats());
    metrics = !dir.writes() ? null : resumed == null ? MetricsLog.create(dir.metricsFile().orElseThrow())
        : MetricsLog.resume(dir.metricsFile().orElseThrow(), resumed.epochsDone() * stepsPerEpoch);
  }

  /**
   * Opens the bookkeeping of a run.
   *
   * @param identity settings outside the recipe that change results; a resumed checkpoint must record the same
   * @param trainable names of the parameters the optimizer updates, in its order
   * @throws UncheckedIOException when the checkpoint to resume cannot be read or the metrics cannot be written
   * @throws IllegalArgumentException when the checkpoint belongs to another kind of run, recipe or model
   */
  public static EpochRecorder open(RunDirectory dir, String kind, String recipeJson, Map<String, String> identity,
      List<String> trainable, long stepsPerEpoch, long imagesPerEpoch) {
    try {
      return new EpochRecorder(dir, kind, recipeJson, identity, trainable, stepsPerEpoch, imagesPerEpoch);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** The checkpoint this run resumes from, already checked against the run. */
  public Optional<DownstreamCheckpoint> resumed() {
    return Optional.ofNullable(resumed);
  }

  /** The first epoch to run (from 0). */
  public int firstEpoch() {
    return resumed == null ? 0 : resumed.epochsDone();
  }

  /** The statistics of every finished epoch, resumed ones first. */
  public List<EpochStats> stats() {
    return List.copyOf(stats);
  }

  /** The newest checkpoint written or resumed from, if any. */
  public Optional<Path> lastCheckpoint() {
    return resumed != null || !stats.isEmpty() ? dir.checkpointFile() : Optional.empty();
  }

  /**
   * The state written after an epoch.
   *
   * @param model the model's tensors by name, copied to the heap
   * @param optimizer libtorch optimizer state (empty when {@code extra} holds it)
   * @param extra EMA weights or LARS momentum by name
   */
  public record Snapshot(Map<String, TensorData> model, byte[] optimizer, Map<String, TensorData> extra) {}

  /**
   * Records a finished epoch: its statistics, then (with a directory) the checkpoint and the metrics line.
   * {@code state} is called only when a checkpoint is written.
   */
  public void epochDone(EpochStats e, Supplier<Snapshot> state) {
    stats.add(e);
    if (metrics == null) {
      return;
    }
    Snapshot st = state.get();
    DownstreamCheckpoint c = new DownstreamCheckpoint(kind, e.epoch(), recipeJson, identity, dir.settings(), stats,
        trainable, st.model(), st.optimizer(), st.extra(), Provenance.now("cpu"));
    try {
      DownstreamCheckpointFile.write(c, dir.checkpointFile().orElseThrow());
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the checkpoint of epoch " + e.epoch() + ": " + ex.getMessage(), ex);
    }
    metrics.append(MetricsRecord.epoch(e.epoch() - 1, e.epoch() * stepsPerEpoch - 1, e.trainLoss(),
        e.learningRate(), imagesPerEpoch / Math.max(e.seconds(), 1e-9), (System.nanoTime() - start) / 1e9,
        e.testTop1()));
  }

  private DownstreamCheckpoint checked(DownstreamCheckpoint c) throws IOException {
    String where = dir.checkpointFile().map(Path::toString).orElse("the checkpoint");
    if (!kind.equals(c.kind())) {
      throw new IllegalArgumentException(where + " is a " + c.kind() + " checkpoint, this run is " + kind);
    }
    JsonNode mine = MAPPER.readTree(recipeJson);
    JsonNode theirs = MAPPER.readTree(c.recipeJson());
    if (!mine.equals(theirs)) {
      TreeSet<String> differ = new TreeSet<>();
      mine.properties().forEach(p -> {
        if (!p.getValue().equals(theirs.get(p.getKey()))) {
          differ.add(p.getKey());
        }
      });
      theirs.properties().forEach(p -> {
        if (!mine.has(p.getKey())) {
          differ.add(p.getKey());
        }
      });
      throw new IllegalArgumentException(where + " was written for another recipe: it differs in " + differ);
    }
    if (!identity.equals(c.identity())) {
      throw new IllegalArgumentException(where + " was written with " + c.identity() + ", this run has " + identity);
    }
    if (!trainable.equals(c.trainable())) {
      TreeSet<String> onlyThere = new TreeSet<>(c.trainable());
      onlyThere.removeAll(trainable);
      TreeSet<String> onlyHere = new TreeSet<>(trainable);
      onlyHere.removeAll(c.trainable());
      throw new IllegalArgumentException(where + " trained " + c.trainable().size() + " parameters, this run trains "
          + trainable.size() + " (another model shape, or other frozen blocks): only in the checkpoint " + onlyThere
          + ", only in this run " + onlyHere);
    }
    return c;
  }

  @Override
  public void close() {
    if (metrics != null) {
      try {
        metrics.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

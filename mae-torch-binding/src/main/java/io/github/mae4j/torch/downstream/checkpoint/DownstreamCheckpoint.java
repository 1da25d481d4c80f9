package io.github.mae4j.torch.downstream.checkpoint;

import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.run.TensorData;
import java.util.List;
import java.util.Map;

/**
 * Everything a fine-tuning or linear-probing run needs to continue after a finished epoch, held on the Java heap.
 * Randomness is not stored: runs derive each epoch's random streams from the recipe seed and the epoch.
 *
 * @param kind {@code "finetune"} or {@code "linprobe"}
 * @param epochsDone finished epochs; the run continues with epoch {@code epochsDone} (from 0)
 * @param recipeJson the recipe of the run, as JSON
 * @param identity run settings outside the recipe that change results (e.g. the EMA decay); must match on resume
 * @param settings free-form notes of the caller (the command line records its options here)
 * @param stats the statistics of the finished epochs
 * @param trainable names of the parameters the optimizer updates, in its order
 * @param model the model's tensors by name
 * @param optimizer the optimizer state in libtorch archive form (AdamW); empty when {@code extra} holds it (LARS)
 * @param extra further tensors by name: {@code ema.<param>} EMA weights, {@code momentum.<param>} LARS buffers
 * @param provenance who wrote it: mae4j, libtorch, JVM and OS versions, time
 */
public record DownstreamCheckpoint(
    String kind,
    int epochsDone,
    String recipeJson,
    Map<String, String> identity,
    Map<String, String> settings,
    List<EpochStats> stats,
    List<String> trainable,
    Map<String, TensorData> model,
    byte[] optimizer,
    Map<String, TensorData> extra,
    Map<String, String> provenance) {

  /** The {@code kind} of fine-tuning checkpoints. */
  public static final String FINETUNE = "finetune";
  /** The {@code kind} of linear-probe checkpoints. */
  public static final String LINPROBE = "linprobe";

  public DownstreamCheckpoint {
    identity = Map.copyOf(identity);
    settings = Map.copyOf(settings);
    stats = List.copyOf(stats);
    trainable = List.copyOf(trainable);
    model = ordered(model);
    extra = ordered(extra);
    provenance = Map.copyOf(provenance);
  }

  private static Map<String, TensorData> ordered(Map<String, TensorData> m) {
    return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m));
  }

  @Override
  public String toString() {
    return "DownstreamCheckpoint[" + kind + ", " + epochsDone + " epochs done, " + model.size() + " tensors]";
  }
}

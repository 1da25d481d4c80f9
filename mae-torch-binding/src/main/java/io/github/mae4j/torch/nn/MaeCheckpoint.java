package io.github.mae4j.torch.nn;

import io.github.mae4j.torch.io.LoadReport;
import io.github.mae4j.torch.io.StateDict;
import io.github.mae4j.torch.io.pth.CheckpointFormatException;
import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Official MAE {@code .pth} files into and out of a {@link MaskedAutoencoder}, by parameter name.
 *
 * <ul>
 *   <li>{@link Layout#FULL} ({@code *_full.pth}, encoder + decoder): every name must match.
 *   <li>{@link Layout#ENCODER} ({@code mae_pretrain_vit_*.pth}): loads the encoder; the decoder names
 *       ({@code decoder_*}, {@code mask_token}) are expected to be missing and keep their values.
 *   <li>{@link Layout#CLASSIFIER} (fine-tuned): loads the encoder; {@code head.*} and {@code fc_norm.*} have no
 *       place in an MAE and are reported in {@link Result#ignored()}, never silently dropped; a missing
 *       {@code norm.*} (replaced by {@code fc_norm} under global pooling) is reported as missing.
 * </ul>
 * Strict loading refuses anything beyond what the layout explains — other missing or unexpected names, any shape
 * mismatch — before copying a single tensor, with an {@link IllegalArgumentException} naming them all.
 */
public final class MaeCheckpoint {
  /** What a state dict holds. */
  public enum Layout { FULL, ENCODER, CLASSIFIER }

  /**
   * The outcome of a load.
   *
   * @param layout what the file held
   * @param report names loaded, missing (model has, file lacks), unexpected (file has, model lacks) and shape
   *     mismatches, as the model saw them
   * @param ignored classifier names ({@code head.*}, {@code fc_norm.*}) that were not loaded
   */
  public record Result(Layout layout, LoadReport report, List<String> ignored) {
    public Result {
      ignored = List.copyOf(ignored);
    }
  }

  private MaeCheckpoint() {}

  /**
   * Loads the state dict under {@code key} (null: {@code 'model'} or the file itself, see
   * {@link TorchCheckpoint#readStateDict}) into {@code model}.
   *
   * @throws CheckpointFormatException for an unreadable or unsafe file
   * @throws IllegalArgumentException when {@code strict} and names or shapes do not match the layout
   */
  public static Result load(MaskedAutoencoder model, Path file, @Nullable String key, boolean strict)
      throws IOException {
    LinkedHashMap<String, Tensor> sd = TorchCheckpoint.readStateDict(file, key);
    try {
      return load(model, sd, strict);
    } finally {
      sd.values().forEach(Tensor::close);
    }
  }

  /** Loads an already-read state dict into {@code model}; see {@link #load(MaskedAutoencoder, Path, String, boolean)}. */
  public static Result load(MaskedAutoencoder model, Map<String, Tensor> stateDict, boolean strict) {
    Map<String, Tensor> own = model.stateDict();
    try {
      return load(model, own, stateDict, strict);
    } finally {
      own.values().forEach(Tensor::close); // detached views: closing releases only these handles
    }
  }

  private static Result load(MaskedAutoencoder model, Map<String, Tensor> own, Map<String, Tensor> stateDict,
      boolean strict) {
    Layout layout = layoutOf(stateDict.keySet());
    List<String> problems = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    Map<String, Tensor> loadable = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
      Tensor mine = own.get(e.getKey());
      if (mine == null) {
        if (layout == Layout.CLASSIFIER && isClassifierKey(e.getKey())) {
          ignored.add(e.getKey());
        } else {
          problems.add("unexpected " + e.getKey());
        }
      } else if (!Arrays.equals(StateDict.shape(mine), StateDict.shape(e.getValue()))) {
        problems.add("shape of " + e.getKey() + ": model " + Arrays.toString(StateDict.shape(mine)) + ", file "
            + Arrays.toString(StateDict.shape(e.getValue())));
      } else {
        loadable.put(e.getKey(), e.getValue());
      }
    }
    for (String name : own.keySet()) {
      if (!stateDict.containsKey(name) && !(layout != Layout.FULL && isDecoderKey(name))) {
        problems.add("missing " + name);
      }
    }
    if (strict && !problems.isEmpty()) {
      throw new IllegalArgumentException(layout + " checkpoint does not fit the model: " + String.join(", ", problems)
          + (ignored.isEmpty() ? "" : "; classifier keys not loaded: " + ignored));
    }
    LoadReport partial = model.loadStateDict(loadable, false);
    List<String> unexpected = new ArrayList<>(ignored);
    stateDict.keySet().stream().filter(k -> !own.containsKey(k) && !ignored.contains(k)).forEach(unexpected::add);
    List<String> mismatches = problems.stream().filter(p -> p.startsWith("shape of ")).map(p -> p.substring(9)).toList();
    List<String> missing = own.keySet().stream().filter(k -> !loadable.containsKey(k)
        && mismatches.stream().noneMatch(m -> m.startsWith(k + ":"))).toList();
    return new Result(layout, new LoadReport(partial.loaded(), missing, unexpected, mismatches), ignored);
  }

  /** Writes the whole model (encoder + decoder) as {@code {'model': OrderedDict}}, like {@code *_full.pth}. */
  public static void save(MaskedAutoencoder model, Path file) throws IOException {
    Map<String, Tensor> own = model.stateDict();
    try {
      TorchCheckpoint.writeStateDict(file, own);
    } finally {
      own.values().forEach(Tensor::close);
    }
  }

  /** Writes only the encoder, like the released {@code mae_pretrain_vit_*.pth} used for fine-tuning. */
  public static void saveEncoder(MaskedAutoencoder model, Path file) throws IOException {
    Map<String, Tensor> own = model.stateDict();
    Map<String, Tensor> encoder = new LinkedHashMap<>();
    own.forEach((k, v) -> {
      if (!isDecoderKey(k)) {
        encoder.put(k, v);
      }
    });
    try {
      TorchCheckpoint.writeStateDict(file, encoder);
    } finally {
      own.values().forEach(Tensor::close);
    }
  }

  /** The layout a set of names describes. */
  public static Layout layoutOf(Iterable<String> names) {
    boolean decoder = false;
    boolean classifier = false;
    for (String n : names) {
      decoder |= isDecoderKey(n);
      classifier |= isClassifierKey(n);
    }
    return decoder ? Layout.FULL : classifier ? Layout.CLASSIFIER : Layout.ENCODER;
  }

  /** Whether a name belongs to the MAE decoder (what encoder-only files lack). */
  public static boolean isDecoderKey(String name) {
    return name.startsWith("decoder_") || name.equals("mask_token");
  }

  private static boolean isClassifierKey(String name) {
    return name.startsWith("head.") || name.startsWith("fc_norm.");
  }
}

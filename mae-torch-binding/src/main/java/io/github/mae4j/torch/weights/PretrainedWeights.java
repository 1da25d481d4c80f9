package io.github.mae4j.torch.weights;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Weights of any layout loaded into a {@link MaskedAutoencoder}: read ({@link WeightFiles}), fitted to its image
 * size and channels ({@link WeightFitting}) and loaded strictly by {@link MaeCheckpoint} (unknown or missing
 * names and shape mismatches named before anything is copied; a classifier head reported as ignored).
 */
public final class PretrainedWeights {
  private PretrainedWeights() {}

  /**
   * The outcome of a load.
   *
   * @param layout the layout the file was written in
   * @param result what {@link MaeCheckpoint} loaded, found missing or ignored
   * @param notes what fitting changed (cls slot, grid resize, channel adaptation)
   */
  public record Loaded(WeightLayout layout, MaeCheckpoint.Result result, List<String> notes) {
    public Loaded {
      notes = List.copyOf(notes);
    }

    /** One line for a log: layout, what the file held, and the fitting notes. */
    public String describe() {
      return layout + " " + result.layout() + (result.ignored().isEmpty() ? "" : ", ignored " + result.ignored())
          + (notes.isEmpty() ? "" : ", " + String.join("; ", notes));
    }
  }

  /**
   * The model a checkpoint is loaded into: {@code expected}, with the network of its HF {@code config.json}
   * when it has one ({@link HfConfig#applyTo}).
   */
  public static MaeConfig modelFor(WeightFiles.Contents contents, MaeConfig expected) {
    return contents.hfConfig().map(c -> c.applyTo(expected)).orElse(expected);
  }

  /** Reads {@code file} and loads it into {@code model}; see {@link #load(MaskedAutoencoder, WeightFiles.Contents, ChannelAdaptation)}. */
  public static Loaded load(MaskedAutoencoder model, Path file, @Nullable ChannelAdaptation adaptation)
      throws IOException {
    try (WeightFiles.Contents c = WeightFiles.read(file)) {
      return load(model, c, adaptation);
    }
  }

  /**
   * Loads {@code contents} into {@code model}, strictly.
   *
   * @param adaptation how to adapt another channel count, or null to refuse it
   * @throws IllegalArgumentException when names or shapes do not fit (all named), or channels differ unadapted
   */
  public static Loaded load(MaskedAutoencoder model, WeightFiles.Contents contents,
      @Nullable ChannelAdaptation adaptation) {
    // an HF config.json says the grid the weights were trained on (image_size may be [H, W]): resized from it
    WeightFitting fitted = WeightFitting.fit(contents.tensors(), model.config(), adaptation,
        contents.hfConfig().map(HfConfig::toMaeConfig).orElse(null));
    try {
      MaeCheckpoint.Result r = MaeCheckpoint.load(model, fitted.tensors(), true);
      return new Loaded(contents.layout(), r, fitted.notes());
    } finally {
      Map<Tensor, Boolean> original = new IdentityHashMap<>();
      contents.tensors().values().forEach(t -> original.put(t, true));
      fitted.tensors().values().stream().filter(t -> !original.containsKey(t)).forEach(Tensor::close);
    }
  }
}

package io.github.mae4j.torch.weights;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * {@code mae convert}: weights of one layout written in another, checked on the way. The input is read
 * ({@link WeightFiles#read}), its model taken from the HF {@code config.json} or the shapes
 * ({@link ModelInference}), optionally fitted to other channels or image size ({@link WeightFitting}), loaded
 * strictly into that model (unknown or missing names and shape mismatches refused by name, nothing written), and
 * the file's own tensors written in the target layout: unchanged tensors are copied bit for bit.
 *
 * @param from the input's layout
 * @param to the output's layout
 * @param model the model written (HF's {@code config.json} says it)
 * @param tensors how many tensors were written
 * @param dropped names left out (the decoder when writing timm)
 * @param ignored names the model has no place for that were carried along (a classifier head)
 * @param notes what fitting changed
 */
public record WeightConversion(WeightLayout from, WeightLayout to, MaeConfig model, int tensors, List<String> dropped,
    List<String> ignored, List<String> notes) {
  public WeightConversion {
    dropped = List.copyOf(dropped);
    ignored = List.copyOf(ignored);
    notes = List.copyOf(notes);
  }

  /**
   * What the conversion should produce besides the layout.
   *
   * @param heads encoder heads (0: from HF's config or the standard ViT of that width)
   * @param decoderHeads decoder heads (0: from HF's config or head dim 32)
   * @param channels image channels of the output (0: the input's)
   * @param imageSize image side (height) of the output (0: the input's); the position grids are resized
   *     bicubically
   * @param imageWidth image width of the output when it is not square (0: the input's, or square at a new
   *     {@code imageSize}); a non-square model read from a layout without a configuration (official, timm) needs
   *     both, its grid not being told by its row count
   * @param adaptation how to adapt another channel count (needed when {@code channels} differs)
   */
  public record Options(int heads, int decoderHeads, int channels, int imageSize, int imageWidth,
      @Nullable ChannelAdaptation adaptation) {
    /** Options for a square output or the input's shape ({@code imageWidth} 0). */
    public Options(int heads, int decoderHeads, int channels, int imageSize, @Nullable ChannelAdaptation adaptation) {
      this(heads, decoderHeads, channels, imageSize, 0, adaptation);
    }

    /** Everything as the input has it. */
    public static Options none() {
      return new Options(0, 0, 0, 0, 0, null);
    }
  }

  /** Converts {@code in} to {@code to} at {@code out} (a file, or a directory for HF). */
  public static WeightConversion convert(Path in, WeightLayout to, Path out, Options options) throws IOException {
    try (WeightFiles.Contents c = WeightFiles.read(in)) {
      MaeConfig source = c.hfConfig().map(HfConfig::toMaeConfig)
          .orElseGet(() -> ModelInference.infer(c.tensors(), options.heads(), options.decoderHeads(),
              options.imageSize(), options.imageWidth()));
      MaeConfig.Builder b = source.toBuilder();
      if (options.heads() > 0) {
        b.encoder(e -> e.numHeads(options.heads()));
      }
      if (options.decoderHeads() > 0) {
        b.decoder(d -> d.numHeads(options.decoderHeads()));
      }
      if (options.channels() > 0) {
        b.inChannels(options.channels());
      }
      if (options.imageSize() > 0) {
        b.imageSize(options.imageSize());
      }
      if (options.imageWidth() > 0) {
        b.imageWidth(options.imageWidth());
      }
      MaeConfig model = b.build();
      // the grid is known from an HF config.json (square or not); otherwise inferred square from the row count
      WeightFitting fitted = WeightFitting.fit(c.tensors(), model, options.adaptation(),
          c.hfConfig().isPresent() ? source : null);
      try {
        PretrainedWeights.Loaded checked;
        try (MaskedAutoencoder mae = MaskedAutoencoder.create(model, 0)) {
          WeightFiles.Contents view = new WeightFiles.Contents(c.layout(), fitted.tensors(), c.hfConfig(), c.source());
          checked = PretrainedWeights.load(mae, view, null);
        }
        List<String> dropped = WeightFiles.write(out, to, fitted.tensors(), model);
        return new WeightConversion(c.layout(), to, model, fitted.tensors().size() - dropped.size(), dropped,
            checked.result().ignored(), fitted.notes());
      } finally {
        Map<Tensor, Boolean> original = new IdentityHashMap<>();
        c.tensors().values().forEach(t -> original.put(t, true));
        fitted.tensors().values().stream().filter(t -> !original.containsKey(t)).forEach(Tensor::close);
      }
    }
  }
}

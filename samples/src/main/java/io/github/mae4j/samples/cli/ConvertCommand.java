package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.weights.ChannelAdaptation;
import io.github.mae4j.torch.weights.WeightConversion;
import io.github.mae4j.torch.weights.WeightLayout;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mae convert}: weights from one layout to another (official MAE, Hugging Face ViTMAE, timm ViT). */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = {"Convert MAE weights between layouts: official (.pth or .safetensors), hf (a directory with",
        "config.json + model.safetensors that from_pretrained opens) and timm (the encoder, .safetensors or .pth).",
        "The input's layout is detected from its names; unknown or missing names and shape mismatches are refused",
        "by name before anything is written; unchanged tensors are copied bit for bit.",
        "Example: mae convert mae_pretrain_vit_base.pth --to hf --out vit-mae-base/"})
final class ConvertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IN",
      description = "Weights to convert: a .pth/.safetensors file or a Hugging Face model directory.")
  Path in;

  @Option(names = "--to", required = true, paramLabel = "LAYOUT", description = "official, hf or timm.")
  String to;

  @Option(names = "--out", required = true, paramLabel = "OUT",
      description = "Output file (official, timm) or directory (hf).")
  Path out;

  @Option(names = "--heads", paramLabel = "N",
      description = "Encoder heads, when the input does not say (no config.json) and the width is not a standard ViT's.")
  int heads;

  @Option(names = "--decoder-heads", paramLabel = "N",
      description = "Decoder heads, when the input does not say (default: head dim 32, 16 at width 512).")
  int decoderHeads;

  @Option(names = "--channels", paramLabel = "C",
      description = "Image channels of the output (default: the input's); another count needs --adapt-channels.")
  int channels;

  @Option(names = "--image-size", paramLabel = "PX",
      description = "Image side (height) of the output (default: the input's); position grids are resized"
          + " bicubically.")
  int imageSize;

  @Option(names = "--image-width", paramLabel = "PX",
      description = "Image width of a non-square output (default: the input's, or square at a new --image-size);"
          + " HF's config.json then gives image_size as [height, width].")
  int imageWidth;

  @Option(names = "--adapt-channels", paramLabel = "mean|repeat",
      description = "How to adapt the patch embedding (and decoder_pred) to --channels: as timm's adapt_input_conv.")
  @Nullable String adaptChannels;

  @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    WeightLayout layout = switch (to.toLowerCase(Locale.ROOT)) {
      case "official" -> WeightLayout.OFFICIAL;
      case "hf" -> WeightLayout.HF;
      case "timm" -> WeightLayout.TIMM;
      default -> throw new IllegalArgumentException("--to must be official, hf or timm, got '" + to + "'");
    };
    ChannelAdaptation adaptation = adaptChannels == null ? null : ChannelAdaptation.parse(adaptChannels);
    WeightConversion r = WeightConversion.convert(in, layout, out,
        new WeightConversion.Options(heads, decoderHeads, channels, imageSize, imageWidth, adaptation));
    r.notes().forEach(DownstreamOptions::log);
    if (json) {
      spec.commandLine().getOut().printf(Locale.ROOT,
          "{\"from\": \"%s\", \"to\": \"%s\", \"tensors\": %d, \"dropped\": %d, \"ignored\": %d, \"out\": \"%s\"}%n",
          r.from().name().toLowerCase(Locale.ROOT), r.to().name().toLowerCase(Locale.ROOT), r.tensors(),
          r.dropped().size(), r.ignored().size(), out.toAbsolutePath().toString().replace("\\", "\\\\")
              .replace("\"", "\\\""));
    } else {
      spec.commandLine().getOut().println("converted " + in + " (" + r.from() + ") to " + out.toAbsolutePath() + " ("
          + r.to() + "): " + r.tensors() + " tensors" + (r.dropped().isEmpty() ? ""
              : ", decoder left out (" + r.dropped().size() + " tensors: timm has none)")
          + (r.ignored().isEmpty() ? "" : ", carried along unused by an MAE: " + r.ignored()));
    }
    return 0;
  }
}

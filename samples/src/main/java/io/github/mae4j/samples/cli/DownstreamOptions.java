package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.downstream.DownstreamData;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.weights.ChannelAdaptation;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Options shared by {@code mae knn|linprobe|finetune|features}: the encoder and the data. */
final class DownstreamOptions {
  @Option(names = "--checkpoint", paramLabel = "FILE",
      description = "A mae4j checkpoint (*.ckpt or run directory), an official MAE .pth, a timm ViT "
          + "(.safetensors/.pth) or a Hugging Face ViTMAE directory (config.json + model.safetensors); "
          + "omit for a randomly initialized encoder (a baseline).")
  @Nullable Path checkpoint;

  @Option(names = "--adapt-channels", paramLabel = "mean|repeat",
      description = "Adapt a checkpoint of another channel count to the data's (as timm's adapt_input_conv); "
          + "without it such a checkpoint is refused.")
  @Nullable String adaptChannels;

  @Option(names = "--train-dir", paramLabel = "DIR",
      description = "Labelled training images DIR/<class>/<image>.png|jpg instead of Fashion-MNIST's training set "
          + "(classes: sub-folder names sorted, as torchvision's ImageFolder), or labelled tar shards "
          + "('shards/train/shard-{000000..000127}.tar', see 'mae shards'); needs --val-dir.")
  @Nullable Path trainDir;

  @Option(names = "--val-dir", paramLabel = "DIR",
      description = "Labelled evaluation images, same class sub-folders as --train-dir, instead of Fashion-MNIST's "
          + "test set. Images of both are converted to the model's channels, resized and centre-cropped.")
  @Nullable Path valDir;

  @Option(names = "--train-limit", paramLabel = "N",
      description = "Use only N training images (0: all): Fashion-MNIST's first N, or N evenly spaced in a folder.")
  int trainLimit;

  @Option(names = "--test-limit", paramLabel = "N",
      description = "Use only N test images (0: all): Fashion-MNIST's first N, or N evenly spaced in a folder.")
  int testLimit;

  @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
  boolean json;

  /**
   * Adds the encoder and data options given on the command line to {@code given} (absent ones as null): a resumed
   * run takes them from its checkpoint, so {@code --resume} refuses them.
   */
  void putGiven(Map<String, @Nullable Object> given) {
    given.put("--checkpoint", checkpoint);
    given.put("--adapt-channels", adaptChannels);
    given.put("--train-limit", trainLimit == 0 ? null : trainLimit);
    given.put("--test-limit", testLimit == 0 ? null : testLimit);
    given.put("--train-dir", trainDir);
    given.put("--val-dir", valDir);
  }

  /** The channel adaptation asked for, or null. */
  @Nullable ChannelAdaptation adaptation() {
    return adaptChannels == null ? null : ChannelAdaptation.parse(adaptChannels);
  }

  /** The labelled data the options name: the two folders, or Fashion-MNIST, with their limits. */
  DownstreamData data() {
    return usesFolders() ? DownstreamData.folders(trainDir, valDir, trainLimit, testLimit)
        : DownstreamData.fashionMnist(trainLimit, testLimit);
  }

  /** True when {@code --train-dir}/{@code --val-dir} replace Fashion-MNIST. */
  boolean usesFolders() {
    return trainDir != null || valDir != null;
  }

  /** A line of the run's log, on standard error. */
  static void log(String s) {
    System.err.println(s);
  }

  /**
   * What a rank other than 0 prints: only the warnings about its own data (skipped images), which rank 0 cannot see;
   * {@code mae launch} prefixes them with the rank.
   */
  static void logWarnings(String s) {
    if (io.github.mae4j.torch.data.SkipMessages.isSkip(s)) {
      System.err.println(s);
    }
  }

  /** Prints a downstream result as {@code mae finetune|linprobe} do: one JSON object, or one sentence. */
  void print(CommandSpec spec, String what, RunResult r) {
    spec.commandLine().getOut().println(json
        ? String.format(Locale.ROOT, "{\"top1\": %.4f, \"top5\": %.4f, \"epochs\": %d, \"seconds\": %.1f}",
            r.top1(), r.top5(), r.epochs().size(), r.seconds())
        : String.format(Locale.ROOT, "%s: top-1 %.2f %%, top-5 %.2f %% after %d epochs (%.1f s)",
            what, 100 * r.top1(), 100 * r.top5(), r.epochs().size(), r.seconds()));
  }
}

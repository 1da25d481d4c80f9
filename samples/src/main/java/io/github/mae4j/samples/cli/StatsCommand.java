package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.data.ChannelStatistics;
import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.ImageSources;
import io.github.mae4j.torch.run.TaskProgress;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mae stats DATA}: per-channel mean and std of a folder, shards or a file list, as a recipe fragment. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = {"Measure the per-channel mean and standard deviation of DATA's pixels in [0, 1] (streaming), and "
        + "print the recipe fragment to paste ('mae pretrain --normalization measured' does it for you).",
        "Example: mae stats imagenet/train --sample 10000"})
final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DATA",
      description = "An image folder, tar shards ('shards/shard-{000000..000127}.tar') or a path,label file list.")
  String data;

  @Option(names = "--sample", paramLabel = "N",
      description = "Measure N images drawn by a seeded shuffle (0: all; default: ${DEFAULT-VALUE}).")
  int sample = 10_000;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the sample (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--channels", paramLabel = "C", description = "1 (gray), 3 (RGB; default: ${DEFAULT-VALUE}) or "
      + "the band count of multi-band .tif/.tiff/.npy files (13 for Sentinel-2).")
  int channels = 3;

  @Option(names = "--json", description = "Print one JSON object instead of the recipe fragment.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (sample < 0) {
      throw new IllegalArgumentException("--sample must be >= 0 (0: all), got " + sample);
    }
    ImageDataset ds = ImageSources.open(data, channels, System.err::println);
    ChannelStatistics s = measure(ds, sample, seed);
    var out = spec.commandLine().getOut();
    if (json) {
      out.printf(Locale.ROOT, "{\"mean\": %s, \"std\": %s, \"images\": %d, \"pixels\": %d, \"skipped\": %d}%n",
          Arrays.toString(s.mean()), Arrays.toString(s.std()), s.images(), s.pixels(), s.skipped());
    } else {
      out.printf(Locale.ROOT, "# %d images (%d pixels per channel) of %s%s%n", s.images(), s.pixels(), data,
          s.skipped() > 0 ? ", " + s.skipped() + " unreadable skipped" : "");
      out.print(s.recipeFragment());
    }
    return 0;
  }

  /** Measures with a progress line on standard error. */
  static ChannelStatistics measure(ImageDataset ds, int sample, long seed) {
    TaskProgress progress = TaskProgress.forStderr("measuring statistics", "images", 10);
    return ChannelStatistics.measure(ds, sample, seed, System.err::println, (done, total) -> {
      progress.update(done, total);
      return 0;
    });
  }
}

package io.github.mae4j.samples.cli;

import io.github.mae4j.torch.data.ImageFolderDataset;
import io.github.mae4j.torch.data.ShardWriter;
import io.github.mae4j.torch.run.TaskProgress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mae shards DIR --out OUT --per-shard N}: an image folder converted to WebDataset tar shards. */
@Command(name = "shards", mixinStandardHelpOptions = true,
    description = {"Convert an image folder (labels from its class sub-folders) to WebDataset tar shards "
        + "(key.jpg/key.png + key.cls, classes.txt) for fast sequential reads.",
        "The files are copied, not re-encoded, in a seeded shuffled order so that every shard mixes the classes.",
        "Example: mae shards imagenet/train --out shards/train --per-shard 10000; then "
            + "mae pretrain RECIPE --data 'shards/train/shard-{000000..000127}.tar'"})
final class ShardsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The image folder (DIR/<class>/<image>.jpg|png).")
  Path folder;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Directory for the shards.")
  Path out;

  @Option(names = "--per-shard", paramLabel = "N", description = "Samples per shard (default: ${DEFAULT-VALUE}).")
  int perShard = 10_000;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the shuffled order (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (perShard < 1) {
      throw new IllegalArgumentException("--per-shard must be >= 1, got " + perShard);
    }
    TaskProgress counting = TaskProgress.forStderr("counting files in " + folder, "files", 10);
    ImageFolderDataset ds = ImageFolderDataset.open(folder, 3, n -> counting.update(n, 0));
    counting.finish();
    TaskProgress writing = TaskProgress.forStderr("writing shards", "images", 10);
    ShardWriter w = ShardWriter.fromFolder(ds, out, perShard, seed, (done, total) -> {
      writing.update(done, total);
      return 0;
    });
    spec.commandLine().getOut().printf("wrote %d images of %d classes into %d shard(s): %s%n", w.samples(), ds.classes().size(),
        w.shards().size(), w.pattern());
    return 0;
  }
}

package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.data.BadImages;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pretraining run on a folder mixing good and bad images finishes, with one line per bad file. */
class BadImagesPretrainTest {
  @TempDir Path dir;

  private static PretrainRecipe tiny() {
    return PretrainRecipe.builder().name("bad-images").dataset("folder")
        .model(MaeConfig.builder().imageSize(16).patchSize(4)
            .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
            .build())
        .epochs(2).warmupEpochs(1).effectiveBatchSize(4).batchSizePerStep(4)
        .baseLearningRate(1e-3).augmentation(Augmentation.none()).normalization(Normalization.imagenet()).build();
  }

  @Test
  void heldOutImages_badFilesAmongTheFirst_areSkippedAndReplaced() throws Exception {
    Path data = dir.resolve("data");
    BadImages.write(data, 1); // 8 files sorted: bomb, cmyk, empty, good-0, gray16, one-pixel, palette, truncated
    List<String> lines = new CopyOnWriteArrayList<>();
    try (PointerScope ignored = new PointerScope()) {
      Tensor images = HeldOutImages.load(tiny(), data.toString(), 8, 0, lines::add);
      assertThat(images.size(0)).isEqualTo(5); // every readable image, no more
      assertThat(images.size(1)).isEqualTo(3);
    }
    assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("skipped unreadable image")
        .endsWith("(held-out images)"));
  }

  @Test
  void pretrainRun_shardsOfAFolderWithBadImages_completesSkippingTheSameFiles() throws Exception {
    Path data = dir.resolve("data");
    BadImages.write(data, 5);
    var folder = io.github.mae4j.torch.data.ImageFolderDataset.open(data, 3);
    var w = io.github.mae4j.torch.data.ShardWriter.fromFolder(folder, dir.resolve("shards"), 5, 0, (a, b) -> 0);
    assertThat(w.pattern()).endsWith("shard-{000000..000002}.tar");
    PretrainRun.Result r = PretrainRun.start(tiny(), TrainerSettings.defaults(dir.resolve("run"))
        .withData(w.pattern()).withPlot(false), 2, ProgressReporter.silent());
    assertThat(r.summary().completed()).isTrue();
    assertThat(r.summary().skippedFiles()).isEqualTo(3);
    assertThat(dir.resolve("run/reconstruction.png")).exists();
  }

  @Test
  void pretrainRun_folderWithBadImages_completesAndDrawsTheGrid() throws Exception {
    Path data = dir.resolve("data");
    BadImages.write(data, 5); // 12 files, 3 unreadable: 3 batches of 4 per epoch
    List<String> messages = new CopyOnWriteArrayList<>();
    ProgressReporter progress = new ProgressReporter() {
      @Override
      public void update(Snapshot s) {}

      @Override
      public void message(String text) {
        messages.add(text);
      }

      @Override
      public void finish() {}
    };
    PretrainRun.Result r = PretrainRun.start(tiny(), TrainerSettings.defaults(dir.resolve("run"))
        .withData(data.toString()).withPlot(false), 1, progress);
    assertThat(r.summary().completed()).isTrue();
    assertThat(r.summary().skippedFiles()).isEqualTo(3);
    assertThat(dir.resolve("run/reconstruction.png")).exists();
    assertThat(messages.stream().filter(m -> m.startsWith("skipped unreadable image") && !m.contains("held-out")))
        .hasSize(3);
    assertThat(messages).contains("epoch 1/2: 3 unreadable image(s) skipped (3 distinct files so far)",
        "epoch 2/2: 3 unreadable image(s) skipped (3 distinct files so far)");
    assertThat(messages).noneMatch(m -> m.contains("\n"));
  }
}

package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.data.ImageFolderDataset;
import io.github.mae4j.torch.data.ShardWriter;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pretraining data from tar shards: read sequentially by default, resumable mid-epoch, indexed on request. */
class ShardStreamDataTest {
  @TempDir Path dir;

  private static PretrainRecipe recipe() {
    return PretrainRecipe.builder().name("shards").dataset("folder")
        .model(MaeConfig.builder().imageSize(8).patchSize(4)
            .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
            .build())
        .epochs(1).warmupEpochs(0).effectiveBatchSize(4).batchSizePerStep(4)
        .baseLearningRate(1e-3).augmentation(Augmentation.builder().build()).normalization(Normalization.imagenet())
        .build();
  }

  private String shards() throws Exception {
    for (int i = 0; i < 24; i++) {
      Path f = dir.resolve("in/c" + (i % 3) + "/" + i + ".png");
      Files.createDirectories(f.getParent());
      BufferedImage img = new BufferedImage(10, 12, BufferedImage.TYPE_INT_RGB);
      img.setRGB(1, 1, i * 10);
      ImageIO.write(img, "png", f.toFile());
    }
    return ShardWriter.fromFolder(ImageFolderDataset.open(dir.resolve("in"), 3), dir.resolve("shards"), 6, 0,
        (a, b) -> 0).pattern();
  }

  private static List<int[]> indices(TrainingData data, int epoch, long firstBatch) {
    List<int[]> out = new ArrayList<>();
    try (TrainingData.Epoch e = data.epoch(epoch, firstBatch)) {
      while (true) {
        try (PointerScope scope = new PointerScope()) {
          Tensor x = e.next();
          if (x == null) {
            break;
          }
          assertThat(x.size(0)).isEqualTo(4);
          out.add(e.indices().clone());
        }
      }
    }
    return out;
  }

  @Test
  void open_shards_readsThemSequentiallyAndResumesMidEpochWithTheSameBatches() throws Exception {
    String pattern = shards();
    try (ClosableTrainingData data = PretrainData.open(recipe(), pattern, 3, 2, s -> { })) {
      assertThat(data).isInstanceOf(ShardStreamData.class);
      assertThat(data.batchesPerEpoch()).isEqualTo(6);
      List<int[]> all = indices(data, 0, 0);
      assertThat(all).hasSize(6);
      assertThat(all.stream().flatMapToInt(Arrays::stream).distinct().count()).isEqualTo(24);
      List<int[]> resumed = indices(data, 0, 2);
      assertThat(resumed).hasSize(4);
      for (int b = 0; b < 4; b++) {
        assertThat(resumed.get(b)).containsExactly(all.get(b + 2));
      }
    }
  }

  @Test
  void open_shardsWithIndexedReading_usesTheIndexedLoader() throws Exception {
    String pattern = shards();
    System.setProperty(PretrainData.SHARD_READING_PROPERTY, "indexed");
    try (ClosableTrainingData data = PretrainData.open(recipe(), pattern, 3, 2, s -> { })) {
      assertThat(data).isInstanceOf(LoaderData.class);
      assertThat(indices(data, 0, 0)).hasSize(6);
    } finally {
      System.clearProperty(PretrainData.SHARD_READING_PROPERTY);
    }
  }
}

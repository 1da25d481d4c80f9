package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.data.ImageFolderDataset;
import io.github.mae4j.torch.dist.GradientReducer;
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

  /** Two ranks (threads, Gloo over a FileStore) pretrain a tiny MAE from the shards, each reading its own. */
  @Test
  void twoRanks_pretrainFromShards_stayInStepAndEndWithTheSameWeights() throws Exception {
    String pattern = shards();
    java.util.concurrent.ExecutorService ranks = java.util.concurrent.Executors.newFixedThreadPool(2);
    List<java.util.concurrent.Future<float[]>> f = new ArrayList<>();
    List<Long> iterations = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      for (int r = 0; r < 2; r++) {
        int rank = r;
        f.add(ranks.submit(() -> {
          io.github.mae4j.torch.dist.DistributedContext ctx = io.github.mae4j.torch.dist.DistributedContext.connect(
              new io.github.mae4j.torch.dist.DistributedEnvironment(rank, rank, 2, 2, "", 29500,
                  java.util.Optional.of(dir.resolve("rdzv")), java.time.Duration.ofSeconds(20),
                  GradientReducer.Mode.FLAT));
          try (ClosableTrainingData data = PretrainData.open(recipe(), pattern, 3, 1, rank, 2, s -> { });
              io.github.mae4j.torch.nn.MaskedAutoencoder mae =
                  io.github.mae4j.torch.nn.MaskedAutoencoder.create(recipe().getModel(), 3);
              PretrainModel model = MaeModels.pretrainable(mae);
              Trainer t = new Trainer(TrainerFixtures.plan(), model, data,
                  TrainerFixtures.settings(dir.resolve("rank" + rank)), io.github.mae4j.torch.run.ProgressReporter.silent())) {
            assertThat(data).isInstanceOf(ShardStreamData.class);
            assertThat(data.batchSize()).isEqualTo(2);
            t.distributed(ctx, GradientReducer.Mode.FLAT);
            RunSummary summary = t.run();
            assertThat(summary.completed()).isTrue();
            iterations.add(summary.iterations());
            List<Float> w = new ArrayList<>();
            for (Tensor p : model.decayParameters()) {
              float[] v = io.github.mae4j.torch.internal.TensorData.toFloatArray(p);
              for (float x : v) {
                w.add(x);
              }
            }
            float[] out = new float[w.size()];
            for (int i = 0; i < out.length; i++) {
              out[i] = w.get(i);
            }
            return out;
          } finally {
            ctx.close();
          }
        }));
      }
      float[] a = f.get(0).get(120, java.util.concurrent.TimeUnit.SECONDS);
      float[] b = f.get(1).get(120, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(iterations).hasSize(2).containsOnly(iterations.get(0));
      assertThat(a).isNotEmpty().containsExactly(b);
    } finally {
      ranks.shutdownNow();
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

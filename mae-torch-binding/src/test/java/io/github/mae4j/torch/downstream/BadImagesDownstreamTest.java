package io.github.mae4j.torch.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.OptimizerSpec;
import io.github.mae4j.torch.downstream.export.FeatureExport;
import io.github.mae4j.torch.downstream.finetune.FinetuneRun;
import io.github.mae4j.torch.downstream.knn.KnnEvaluation;
import io.github.mae4j.torch.downstream.linprobe.LinearProbeRun;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downstream runs over folders holding an empty and a truncated image next to good ones: the run finishes, each bad
 * file is told in one line, and the counts leave them out.
 */
class BadImagesDownstreamTest {
  @TempDir Path dir;

  private static final FinetuneRecipe RECIPE = FinetuneRecipe.builder().name("bad")
      .model(MaeConfig.builder().imageSize(16).patchSize(8).encoder(e -> e.embedDim(16).depth(1).numHeads(2))
          .build())
      .normalization(Normalization.imagenet()).numClasses(2).epochs(1).warmupEpochs(0).effectiveBatchSize(4)
      .batchSizePerStep(4).baseLearningRate(1e-3).dropPath(0).mixup(0).cutmix(0)
      .optimizer(OptimizerSpec.adamw(0.9, 0.999, 0.05)).augmentation(Augmentation.none()).build();

  /** train: 3 good images per class + c0/empty.png + c1/cut.png; val: 2 per class + c1/cut.png. */
  private DownstreamData folders() throws IOException {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 6; i++) {
      png(dir.resolve("train/c" + (i % 2) + "/" + i + ".png"), r);
    }
    for (int i = 0; i < 4; i++) {
      png(dir.resolve("val/c" + (i % 2) + "/" + i + ".png"), r);
    }
    Files.write(dir.resolve("train/c0/empty.png"), new byte[0]);
    byte[] whole = Files.readAllBytes(dir.resolve("train/c1/1.png"));
    Files.write(dir.resolve("train/c1/cut.png"), Arrays.copyOf(whole, whole.length / 2));
    Files.write(dir.resolve("val/c1/cut.png"), Arrays.copyOf(whole, whole.length / 3));
    return DownstreamData.folders(dir.resolve("train"), dir.resolve("val"), 0, 0);
  }

  @Test
  void knn_folderWithEmptyAndTruncatedImages_finishesCountingOnlyTheReadable() throws IOException {
    List<String> log = new ArrayList<>();
    KnnEvaluation.Result res = new KnnEvaluation(RECIPE, null, folders(), 3, 0.07).run(log::add);
    assertThat(res.bank()).isEqualTo(6);
    assertThat(res.queries()).isEqualTo(4);
    List<String> skips = log.stream().filter(l -> l.startsWith("skipped unreadable image")).toList();
    assertThat(skips).hasSize(3);
    assertThat(log).contains("skipped 2 unreadable images for training and 1 for evaluation");
    assertThat(String.join("\n", skips)).contains("train/c0/empty.png", "train/c1/cut.png", "val/c1/cut.png");
  }

  @Test
  void finetune_folderWithEmptyAndTruncatedImages_finishesTellingEachOnce() throws Exception {
    List<String> log = new ArrayList<>();
    var result = FinetuneRun.builder(RECIPE).data(folders()).log(log::add).build().run();
    assertThat(result).isNotNull();
    List<String> skips = log.stream().filter(l -> l.startsWith("skipped unreadable image")).toList();
    assertThat(skips).hasSize(3);
    assertThat(log).contains("skipped 2 unreadable images for training and 1 for evaluation");
    assertThat(String.join("\n", skips)).contains("train/c0/empty.png", "train/c1/cut.png", "val/c1/cut.png");
  }

  @Test
  void linprobe_folderWithEmptyAndTruncatedImages_finishesTellingEachOnce() throws Exception {
    List<String> log = new ArrayList<>();
    LinearProbeRecipe recipe = LinearProbeRecipe.builder().model(RECIPE.getModel())
        .normalization(Normalization.imagenet()).numClasses(2).epochs(1).warmupEpochs(0).effectiveBatchSize(4)
        .batchSizePerStep(4).baseLearningRate(0.1).augmentation(Augmentation.none()).build();
    var result = LinearProbeRun.builder(recipe).data(folders()).log(log::add).build().run();
    assertThat(result).isNotNull();
    List<String> skips = log.stream().filter(l -> l.startsWith("skipped unreadable image")).toList();
    assertThat(skips).hasSize(3);
    assertThat(log).contains("skipped 2 unreadable images for training and 1 for evaluation");
    assertThat(String.join("\n", skips)).contains("train/c0/empty.png", "train/c1/cut.png", "val/c1/cut.png");
  }

  @Test
  void linprobeAugmented_folderWithEmptyAndTruncatedImages_skipsThemWithTheirLabels() throws Exception {
    List<String> log = new ArrayList<>();
    LinearProbeRecipe recipe = LinearProbeRecipe.builder().model(RECIPE.getModel())
        .normalization(Normalization.imagenet()).numClasses(2).epochs(2).warmupEpochs(0).effectiveBatchSize(4)
        .batchSizePerStep(4).baseLearningRate(0.1).augmentation(Augmentation.linearProbe()).build();
    var result = LinearProbeRun.builder(recipe).data(folders()).log(log::add).build().run();
    assertThat(result.epochs()).hasSize(2).allSatisfy(e -> assertThat(e.trainLoss()).isFinite().isPositive());
    List<String> skips = log.stream().filter(l -> l.startsWith("skipped unreadable image")).toList();
    assertThat(skips).as("each bad file told once over both epochs").hasSize(3);
    assertThat(log).contains("skipped 2 unreadable images for training and 1 for evaluation");
    assertThat(String.join("\n", skips)).contains("train/c0/empty.png", "train/c1/cut.png", "val/c1/cut.png");
  }

  @Test
  void features_folderWithEmptyAndTruncatedImages_writesOneRowPerReadableImageAndItsLabel() throws Exception {
    folders();
    List<String> log = new ArrayList<>();
    var result = FeatureExport.ofFolder(RECIPE, null, dir.resolve("train"), dir.resolve("f.npy"))
        .withLabelsOut(dir.resolve("y.npy")).run(log::add);
    assertThat(result.rows()).isEqualTo(6);
    List<String> skips = log.stream().filter(l -> l.startsWith("skipped unreadable image")).toList();
    assertThat(skips).hasSize(2);
    assertThat(String.join("\n", skips)).contains("train/c0/empty.png", "train/c1/cut.png");
    // the labels file holds 6 int64 after its header (a multiple of 64 bytes), as many as the feature rows
    long labelBytes = Files.size(dir.resolve("y.npy"));
    assertThat(labelBytes % 64).isEqualTo(6 * 8 % 64);
  }

  private static void png(Path file, SplittableRandom r) throws IOException {
    BufferedImage img = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 24; y++) {
      for (int x = 0; x < 24; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }
}

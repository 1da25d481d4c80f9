package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import io.github.mae4j.torch.train.CheckpointFile;
import io.github.mae4j.torch.train.ReconstructionGrid;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainingCommandsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  private int run(String... args) {
    CommandLine cl = MaeCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void help_everyTrainingVerb_exits0WithItsOptions() {
    assertThat(run("pretrain", "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("--data", "--epochs", "--batch-size", "--device", "--out", "--seed",
        "--max-steps");
    assertThat(run("resume", "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("CHECKPOINT");
    assertThat(run("reconstruct", "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("--checkpoint", "--images", "--out");
  }

  @Test
  void pretrain_epochsAtOrBelowTheWarmup_cutsTheWarmupInsteadOfRefusing() throws Exception {
    // quickstart warms up for 1 epoch: --epochs 1 leaves no room for it
    Path out = dir.resolve("one-epoch");
    assertThat(run("pretrain", "quickstart", "--epochs", "1", "--max-steps", "1", "--workers", "1", "--out",
        out.toString())).as(err.toString()).isEqualTo(0);
    var recipe = io.github.mae4j.api.recipe.RecipeIo.read(out.resolve("recipe.json"));
    assertThat(recipe.getEpochs()).isEqualTo(1);
    assertThat(recipe.getWarmupEpochs()).isZero();
  }

  @Test
  void stats_thenPretrainMeasured_recordsTheMeasuredStatistics() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    for (int i = 0; i < 16; i++) {
      BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 20; y++) {
        for (int x = 0; x < 20; x++) {
          img.setRGB(x, y, (x * 12) << 16 | (y * 6) << 8 | (x + y) * 5);
        }
      }
      ImageIO.write(img, "png", data.resolve(i + ".png").toFile());
    }
    assertThat(run("stats", data.toString(), "--sample", "0")).as(err.toString()).isEqualTo(0);
    assertThat(out.toString()).contains("# 16 images (6400 pixels per channel)",
        "normalization:\n  mean: [0.4471, 0.2235, 0.3725]\n  std: [");
    PretrainRecipe tiny = PretrainRecipe.builder().name("cli-stats").dataset("folder")
        .model(MaeConfig.builder().imageSize(16).patchSize(4)
            .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
            .build())
        .epochs(1).warmupEpochs(0).effectiveBatchSize(8).batchSizePerStep(8)
        .baseLearningRate(1e-3).augmentation(Augmentation.none()).normalization(Normalization.imagenet()).build();
    Path recipe = dir.resolve("tiny.json");
    Files.writeString(recipe, RecipeIo.toJson(tiny));
    Path runDir = dir.resolve("run");
    assertThat(run("pretrain", recipe.toString(), "--data", data.toString(), "--normalization", "measured",
        "--out", runDir.toString(), "--workers", "1")).as(err.toString()).isEqualTo(0);
    var recorded = RecipeIo.read(runDir.resolve("recipe.json")).getNormalization();
    assertThat(recorded.getMean()).containsExactly(0.4471, 0.2235, 0.3725);
  }

  @Test
  void pretrain_unknownRecipe_exits2ListingNames() {
    assertThat(run("pretrain", "no-such-recipe", "--out", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no-such-recipe", "quickstart");
  }

  @Test
  void pretrain_finetuneRecipe_exits2() {
    assertThat(run("pretrain", "vit-b16-finetune", "--out", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("pretraining recipe");
  }

  @Test
  void resume_missingRunDirectory_exits1NamingIt() {
    Path missing = dir.resolve("nope");
    assertThat(run("resume", missing.toString())).isEqualTo(1);
    assertThat(err.toString()).contains(missing.toString());
  }

  @Test
  void pretrainStoppedThenResumedThenReconstructed_leavesAllFiles() throws Exception {
    PretrainRecipe tiny = PretrainRecipe.builder().name("cli-tiny").dataset("synthetic")
        .model(MaeConfig.builder().imageSize(16).patchSize(4)
            .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
            .build())
        .epochs(2).warmupEpochs(1).imagesPerEpoch(48).effectiveBatchSize(16).batchSizePerStep(16)
        .baseLearningRate(1e-2).augmentation(Augmentation.none()).normalization(Normalization.imagenet()).build();
    Path recipe = dir.resolve("tiny.json");
    Files.writeString(recipe, RecipeIo.toJson(tiny));
    Path runDir = dir.resolve("run");

    assertThat(run("pretrain", recipe.toString(), "--out", runDir.toString(), "--max-steps", "4",
        "--log-every", "1", "--workers", "1")).as(err.toString()).isEqualTo(0);
    assertThat(CheckpointFile.read(runDir.resolve("checkpoint-last.ckpt")).iteration()).isEqualTo(4);
    assertThat(runDir.resolve("reconstruction.png")).doesNotExist();

    assertThat(run("resume", runDir.toString(), "--workers", "1")).as(err.toString()).isEqualTo(0);
    assertThat(runDir.resolve("checkpoint-final.ckpt")).exists();
    var full = io.github.mae4j.torch.io.pth.TorchCheckpoint.readStateDict(runDir.resolve("mae-final.pth"), "model");
    var encoder = io.github.mae4j.torch.io.pth.TorchCheckpoint.readStateDict(
        runDir.resolve("mae-final-encoder.pth"), "model");
    assertThat(full).containsKeys("cls_token", "blocks.0.attn.qkv.weight", "decoder_pred.weight", "mask_token");
    assertThat(encoder).containsKeys("cls_token", "blocks.0.attn.qkv.weight").doesNotContainKey("decoder_pred.weight");
    try (var fresh = io.github.mae4j.torch.nn.MaskedAutoencoder.create(tiny.getModel(),
        io.github.mae4j.torch.MaeDevice.cpu(), 99)) {
      var loaded = io.github.mae4j.torch.nn.MaeCheckpoint.load(fresh, full, true);
      assertThat(loaded.report().missing()).isEmpty();
      assertThat(fresh.stateDict().get("decoder_pred.weight").equal(full.get("decoder_pred.weight"))).isTrue();
    }
    assertThat(MetricsLog.read(runDir.resolve("metrics.jsonl")).stream().filter(MetricsRecord::isIteration)
        .map(MetricsRecord::iter)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(ImageIO.read(runDir.resolve("loss.png").toFile())).isNotNull();
    BufferedImage grid = ImageIO.read(runDir.resolve("reconstruction.png").toFile());
    assertThat(grid.getHeight()).isGreaterThan(grid.getWidth()); // 8 rows of 4 columns

    Path png = dir.resolve("grid.png");
    assertThat(run("reconstruct", "--checkpoint", runDir.toString(), "--count", "2", "--out", png.toString()))
        .as(err.toString()).isEqualTo(0);
    BufferedImage two = ImageIO.read(png.toFile());
    int cell = 16 * ReconstructionGrid.scaleFor(16, 112);
    assertThat(two.getWidth()).isEqualTo(4 + ReconstructionGrid.COLUMNS.size() * (cell + 4));
    assertThat(two.getHeight()).isEqualTo(18 + 2 * (cell + 4) + 4);
  }

  @Test
  void reconstruct_officialLayoutPth_drawsGridWithGivenModel() throws Exception {
    Path pth = Path.of("../mae-torch-binding/src/test/resources/fixtures/pth/mae_full.pth");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(pth), "official-layout fixture of branch pth");
    // the dims of tools/tiny_mae_reference.py, as a recipe file
    PretrainRecipe tiny = PretrainRecipe.builder().name("tiny-official").model(MaeConfig.builder().imageSize(8)
            .patchSize(4).encoder(e -> e.embedDim(8).depth(1).numHeads(2).mlpRatio(2))
            .decoder(d -> d.embedDim(8).depth(1).numHeads(2).mlpRatio(2)).build())
        .effectiveBatchSize(16).batchSizePerStep(16).epochs(2).warmupEpochs(1).build();
    Path recipe = dir.resolve("tiny-official.json");
    Files.writeString(recipe, RecipeIo.toJson(tiny));
    Path png = dir.resolve("official.png");
    assertThat(run("reconstruct", "--checkpoint", pth.toString(), "--model", recipe.toString(), "--norm-pix-loss",
        "--data", "synthetic", "--count", "3", "--out", png.toString())).as(err.toString()).isEqualTo(0);
    BufferedImage grid = ImageIO.read(png.toFile());
    int cell = 8 * ReconstructionGrid.scaleFor(8, 112);
    assertThat(grid.getHeight()).isEqualTo(18 + 3 * (cell + 4) + 4);
  }

  @Test
  void reconstruct_officialRgbPthIntoOneChannelModel_refusedUnlessAdapted() throws Exception {
    Path pth = Path.of("../mae-torch-binding/src/test/resources/fixtures/pth/mae_full.pth");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(pth), "official-layout fixture of branch pth");
    PretrainRecipe gray = PretrainRecipe.builder().name("tiny-gray").model(MaeConfig.builder().imageSize(8)
            .patchSize(4).inChannels(1).encoder(e -> e.embedDim(8).depth(1).numHeads(2).mlpRatio(2))
            .decoder(d -> d.embedDim(8).depth(1).numHeads(2).mlpRatio(2)).build())
        .normalization(io.github.mae4j.api.recipe.Normalization.fashionMnist())
        .effectiveBatchSize(16).batchSizePerStep(16).epochs(2).warmupEpochs(1).build();
    Path recipe = dir.resolve("tiny-gray.json");
    Files.writeString(recipe, RecipeIo.toJson(gray));
    Path png = dir.resolve("gray.png");
    assertThat(run("reconstruct", "--checkpoint", pth.toString(), "--model", recipe.toString(), "--norm-pix-loss",
        "--data", "synthetic", "--count", "2", "--out", png.toString())).isNotZero();
    assertThat(err.toString()).contains("patch_embed.proj.weight has 3 input channel(s), the model 1",
        "--adapt-channels");
    assertThat(png).doesNotExist();
    for (String mode : new String[] {"mean", "repeat"}) {
      err.getBuffer().setLength(0);
      assertThat(run("reconstruct", "--checkpoint", pth.toString(), "--model", recipe.toString(), "--norm-pix-loss",
          "--adapt-channels", mode, "--data", "synthetic", "--count", "2", "--out", png.toString()))
          .as(err.toString()).isEqualTo(0);
      BufferedImage grid = ImageIO.read(png.toFile());
      int cell = 8 * ReconstructionGrid.scaleFor(8, 112);
      assertThat(grid.getHeight()).isEqualTo(18 + 2 * (cell + 4) + 4);
      Files.delete(png);
    }
  }

  @Test
  void pretrain_nonSquareRecipeFromAFolder_trainsAndDrawsTheGridAt28x20() throws Exception {
    Path images = Files.createDirectories(dir.resolve("images"));
    for (int i = 0; i < 16; i++) {
      // sources of several shapes: landscape, portrait, square
      int w = 24 + 7 * (i % 4);
      int h = 22 + 9 * (i % 3);
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          img.setRGB(x, y, ((x * 9 + i * 13) & 0xFF) << 16 | ((y * 7) & 0xFF) << 8 | ((x + y + i) * 5 & 0xFF));
        }
      }
      ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
    }
    PretrainRecipe tiny = PretrainRecipe.builder().name("cli-28x20")
        .model(MaeConfig.builder().imageSize(28).imageWidth(20).patchSize(4)
            .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
            .build())
        .epochs(1).warmupEpochs(0).imagesPerEpoch(16).effectiveBatchSize(8).batchSizePerStep(8)
        .baseLearningRate(1e-2).normalization(Normalization.imagenet()).build();
    assertThat(tiny.getAugmentation().isRandomResizedCrop()).isTrue();
    Path recipe = dir.resolve("tiny-28x20.json");
    Files.writeString(recipe, RecipeIo.toJson(tiny));
    Path runDir = dir.resolve("run-28x20");
    assertThat(run("pretrain", recipe.toString(), "--data", images.toString(), "--out", runDir.toString(),
        "--log-every", "1", "--workers", "1")).as(err.toString()).isEqualTo(0);
    assertThat(CheckpointFile.read(runDir.resolve("checkpoint-final.ckpt")).iteration()).isEqualTo(2);
    int scale = ReconstructionGrid.scaleFor(28, 96);
    BufferedImage grid = ImageIO.read(runDir.resolve("reconstruction.png").toFile());
    // cells are square, of the longer side (28 px)
    assertThat(grid.getWidth()).isEqualTo(4 + ReconstructionGrid.COLUMNS.size() * (28 * scale + 4));

    Path png = dir.resolve("grid-28x20.png");
    assertThat(run("reconstruct", "--checkpoint", runDir.toString(), "--images", images.toString(), "--count", "2",
        "--out", png.toString())).as(err.toString()).isEqualTo(0);
    BufferedImage two = ImageIO.read(png.toFile());
    int s = ReconstructionGrid.scaleFor(28, 112);
    assertThat(two.getWidth()).isEqualTo(4 + ReconstructionGrid.COLUMNS.size() * (28 * s + 4));
    assertThat(two.getHeight()).isEqualTo(18 + 2 * (28 * s + 4) + 4);
  }
}

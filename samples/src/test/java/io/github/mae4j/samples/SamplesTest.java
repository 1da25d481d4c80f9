package io.github.mae4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the samples the documentation includes, so that what the site shows is code that works. */
class SamplesTest {
  @TempDir Path dir;

  @Test
  void readmeExample_buildsTheConfigAndItsJson() {
    assertThat(JavaConfigs.readmeExample())
        .startsWith(MaeConfig.builder().decoder(d -> d.embedDim(256).depth(4).numHeads(8)).maskRatio(0.9).build()
            .getParameterCount() + " parameters; ViT-L masks 147 patches; ")
        .contains("\"maskRatio\" : 0.9");
  }

  @Test
  void kotlinConfigs_describeTheirModels() {
    assertThat(KotlinConfigs.INSTANCE.readmeExample()).isEqualTo("49 of 196");
    assertThat(KotlinConfigs.INSTANCE.lightDecoderLarge().getDecoder().getDepth()).isEqualTo(1);
    assertThat(KotlinConfigs.INSTANCE.describe(KotlinConfigs.INSTANCE.grayscaleBlockMasking()))
        .startsWith("MAE 28px/4, encoder 192×4, decoder 128×2, 4/49 patches visible");
  }

  @Test
  void recipeEdits_copyAndRoundTripThroughYaml() {
    assertThat(RecipeEdits.shorter().getEpochs()).isEqualTo(400);
    PretrainRecipe back = RecipeIo.fromYaml(RecipeEdits.myRecipeYaml(), PretrainRecipe.class);
    assertThat(back.getName()).isEqualTo("vit-b16-pretrain-mask90");
    assertThat(back.getModel().getMaskRatio()).isEqualTo(0.9);
    assertThat(back.getLearningRate()).isCloseTo(1.5e-4 * 1024 / 256, org.assertj.core.data.Offset.offset(1e-12));
  }

  static final MaeConfig TINY = MaeConfig.builder().imageSize(16).patchSize(4)
      .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2)).build();

  @Test
  void checkpointFiles_writeReadAndLoadStrictly() throws Exception {
    try (var model = io.github.mae4j.torch.nn.MaskedAutoencoder.create(TINY, 1);
         var fresh = io.github.mae4j.torch.nn.MaskedAutoencoder.create(TINY, 2)) {
      Path pth = CheckpointFiles.write(model, dir);
      assertThat(CheckpointFiles.read(pth)).isEqualTo(model.stateDict().size());
      assertThat(dir.resolve("mine.pth")).isNotEmptyFile();
      var r = CheckpointFiles.load(fresh, pth);
      assertThat(r.layout()).isEqualTo(io.github.mae4j.torch.nn.MaeCheckpoint.Layout.FULL);
      assertThat(r.report().missing()).isEmpty();
      assertThat(fresh.stateDict().get("decoder_pred.weight").equal(model.stateDict().get("decoder_pred.weight")))
          .isTrue();
      assertThat(CheckpointFiles.read(dir.resolve("mae-encoder.pth"))).isLessThan(model.stateDict().size());
    }
  }

  @Test
  void dataPipeline_loadsEveryFullBatchOfEachEpoch() {
    assertThat(DataPipeline.run(20, 32, 2)).isEqualTo(2 * (20 / 8));
  }

  @Test
  void classifierFromEncoder_givesTenLogitsPerImage() {
    try (var images = org.bytedeco.pytorch.global.torch.randn(3, 3, 16, 16)) {
      assertThat(ClassifierFromEncoder.logitsShape(TINY, images)).containsExactly(3, 10);
    }
  }

  @Test
  void pretrainOnFolder_trainsOnTheImagesAndWritesTheRun() throws Exception {
    Path images = Files.createDirectories(dir.resolve("images/a"));
    for (int i = 0; i < 8; i++) {
      BufferedImage img = new BufferedImage(20 + i, 18, BufferedImage.TYPE_INT_RGB);
      var g = img.createGraphics();
      g.setColor(new Color(30 * i, 200 - 20 * i, 90));
      g.fillRect(i, 2, 10, 12);
      g.dispose();
      ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
    }
    // the sample's recipe at a test's size: 16-px images, one block, 2 epochs of 8 images
    PretrainRecipe recipe = PretrainOnFolder.recipe(2).toBuilder()
        .model(MaeConfig.builder().imageSize(16).patchSize(4)
            .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
            .build())
        .effectiveBatchSize(4).batchSizePerStep(4).augmentation(Augmentation.none())
        .build();
    var result = PretrainOnFolder.pretrain(recipe, dir.resolve("images"), dir.resolve("run"));
    assertThat(result.summary().describe()).isNotBlank();
    assertThat(dir.resolve("run/metrics.jsonl")).exists();
    assertThat(dir.resolve("run/loss.png")).exists();
  }
}

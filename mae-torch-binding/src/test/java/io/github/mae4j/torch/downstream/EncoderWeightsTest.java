package io.github.mae4j.torch.downstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.io.Safetensors;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.run.TensorData;
import io.github.mae4j.torch.train.CheckpointFile;
import io.github.mae4j.torch.train.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An encoder read from every kind of checkpoint holds the values that were saved. */
class EncoderWeightsTest {
  @TempDir Path dir;

  static MaeConfig tiny(int embedDim) {
    return MaeConfig.builder().imageSize(16).patchSize(4)
        .encoder(e -> e.embedDim(embedDim).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
        .build();
  }

  static byte[] bytes(Tensor t) {
    return TensorData.of(t).bytes();
  }

  @Test
  void load_noCheckpoint_isRandomInitializationOfTheExpectedModel() throws Exception {
    EncoderWeights w = EncoderWeights.load(null, tiny(16));
    assertThat(w.isRandom()).isTrue();
    assertThat(w.model()).isEqualTo(tiny(16));
    assertThat(w.description()).isEqualTo("random initialization");
  }

  @Test
  void load_missingFile_namesIt() {
    assertThatThrownBy(() -> EncoderWeights.load(dir.resolve("nope.pth"), tiny(16)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope.pth").hasMessageContaining("does not exist");
  }

  @Test
  void load_mae4jCheckpointAndItsRunDirectory_takeTheModelFromTheRecipe() throws Exception {
    MaeConfig model = tiny(24);
    PretrainRecipe recipe = PretrainRecipe.builder().name("enc").dataset("synthetic").model(model)
        .epochs(2).warmupEpochs(1).imagesPerEpoch(32).effectiveBatchSize(16).batchSizePerStep(16)
        .augmentation(Augmentation.none()).normalization(Normalization.imagenet()).build();
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(model, 11)) {
      Map<String, TensorData> saved = TensorData.ofAll(mae.stateDict());
      CheckpointFile.write(new TrainingCheckpoint(2, 0, 4, 4, 0, 0, 0.5, saved, new byte[] {1}, new byte[] {2}, 1.0,
          0, RecipeIo.toJson(recipe), "{}", Map.of()), dir.resolve("checkpoint-last.ckpt"));
      for (Path p : new Path[] {dir.resolve("checkpoint-last.ckpt"), dir}) {
        // the expected model (embedDim 16) is ignored: the checkpoint's recipe says 24
        EncoderWeights w = EncoderWeights.load(p, tiny(16));
        assertThat(w.model()).isEqualTo(model);
        assertThat(w.description()).endsWith("checkpoint-last.ckpt (epoch 2)");
        assertThat(w.weights()).isNotNull()
            .containsKeys("cls_token", "blocks.0.attn.qkv.weight", "decoder_pred.weight");
        assertThat(bytes(w.weights().get("blocks.0.attn.qkv.weight")))
            .isEqualTo(saved.get("blocks.0.attn.qkv.weight").bytes());
      }
    }
  }

  @Test
  void load_officialEncoderPth_loadsTheEncoderIntoTheExpectedModel() throws Exception {
    Path pth = dir.resolve("mae_pretrain_tiny.pth");
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(tiny(16), 5)) {
      MaeCheckpoint.saveEncoder(mae, pth);
      EncoderWeights w = EncoderWeights.load(pth, tiny(16));
      assertThat(w.description()).isEqualTo(pth + " (ENCODER)");
      assertThat(bytes(w.weights().get("patch_embed.proj.weight")))
          .isEqualTo(bytes(mae.stateDict().get("patch_embed.proj.weight")));
      assertThat(bytes(w.weights().get("norm.weight"))).isEqualTo(bytes(mae.stateDict().get("norm.weight")));
    }
  }

  @Test
  void load_safetensors_loadsEveryTensor() throws Exception {
    Path st = dir.resolve("mae.safetensors");
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(tiny(16), 9)) {
      Safetensors.write(st, mae.stateDict());
      EncoderWeights w = EncoderWeights.load(st, tiny(16));
      assertThat(w.description()).isEqualTo(st + " (FULL)");
      assertThat(w.weights()).hasSameSizeAs(mae.stateDict());
      assertThat(bytes(w.weights().get("pos_embed"))).isEqualTo(bytes(mae.stateDict().get("pos_embed")));
      assertThat(bytes(w.weights().get("blocks.0.mlp.fc2.bias")))
          .isEqualTo(bytes(mae.stateDict().get("blocks.0.mlp.fc2.bias")));
    }
    assertThat(Files.size(st)).isPositive();
  }

  static Path layouts(String name) throws Exception {
    return Path.of(EncoderWeightsTest.class.getResource("/layouts/io.safetensors").toURI()).resolveSibling(name);
  }

  @Test
  void load_hfDirectory_takesTheNetworkFromConfigJsonAndKeepsTheImageSize() throws Exception {
    MaeConfig expected = MaeConfig.builder().imageSize(24).patchSize(4).build();
    EncoderWeights w = EncoderWeights.load(layouts("hf"), expected);
    assertThat(w.model().getEncoder().getEmbedDim()).isEqualTo(32);
    assertThat(w.model().getLayerNormEps()).isEqualTo(1e-12);
    assertThat(w.model().getImageSize()).isEqualTo(24);
    assertThat(w.description()).contains("(HF FULL").contains("pos_embed: 4×4 → 6×6 grid (bicubic)");
    assertThat(w.weights().get("pos_embed").size(1)).isEqualTo(37);
  }

  @Test
  void load_timmWithOtherChannels_refusedUnlessAdapted() throws Exception {
    MaeConfig gray = EncoderWeightsTest.tiny(32).withInChannels(1).withEncoder(
        io.github.mae4j.api.EncoderSpec.builder().embedDim(32).depth(2).numHeads(4).build());
    Path timm = layouts("timm/model.safetensors");
    assertThatThrownBy(() -> EncoderWeights.load(timm, gray))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patch_embed.proj.weight");
    EncoderWeights w = EncoderWeights.load(timm, gray, io.github.mae4j.torch.weights.ChannelAdaptation.REPEAT);
    assertThat(w.weights().get("patch_embed.proj.weight").size(1)).isEqualTo(1);
    assertThat(w.description()).contains("ignored [head.weight, head.bias]");
  }
}

package io.github.mae4j.torch.weights;

import static io.github.mae4j.torch.weights.LayoutFixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.internal.TensorData;
import io.github.mae4j.torch.io.StateDict;
import io.github.mae4j.torch.nn.Features;
import io.github.mae4j.torch.nn.MaeOutput;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.Reconstruction;
import io.github.mae4j.torch.nn.SinCosPosEmbed;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tiny MAE at 1 (gray), 3 (RGB) and 13 (Sentinel-2) channels through every step at the tensor level: patchify,
 * masking, loss and gradients, reconstruction, features at the training size and at a non-square size (28×20 px,
 * a 7×5 grid: the scaled-down 224×160), a classifier fine-tuning step from its encoder, and official weights of
 * 3 channels adapted to C.
 */
class AnyChannelCountTest {
  static MaeConfig tiny(int channels) {
    return MaeConfig.builder().imageSize(16).patchSize(4).inChannels(channels)
        .encoder(e -> e.embedDim(32).depth(1).numHeads(4)).decoder(d -> d.embedDim(16).depth(1).numHeads(2)).build();
  }

  static Tensor images(int n, int c, int h, int w, long seed) {
    return torch.rand(new long[] {n, c, h, w}, new GeneratorOptional(torch.createCPUGenerator(seed)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 13})
  void pretrainStep_anyChannels_lossGradientsAndReconstructionHaveTheChannels(int c) {
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(tiny(c), 1); PointerScope scope = new PointerScope()) {
      Tensor x = images(2, c, 16, 16, c);
      assertThat(TensorData.toFloatArray(mae.unpatchify(mae.patchify(x)))).containsExactly(TensorData.toFloatArray(x));
      MaeOutput out = mae.forward(x, 7L);
      assertThat(StateDict.shape(out.pred())).containsExactly(2, 16, 16L * c);
      assertThat(out.loss().item_float()).isFinite().isPositive();
      assertThat(TensorData.toFloatArray(out.mask())).containsOnly(0f, 1f);
      assertThat(out.mask().sum().item_float()).isEqualTo(2 * 12f);
      out.loss().backward();
      Tensor grad = new Tensor(mae.module().named_parameters(true).get(4).value()); // patch_embed.proj.weight
      assertThat(mae.module().named_parameters(true).get(4).key().getString()).isEqualTo("patch_embed.proj.weight");
      assertThat(StateDict.shape(grad.grad())).containsExactly(32, c, 4, 4);
      assertThat(grad.grad().abs().sum().item_float()).isPositive();
      Reconstruction r = mae.reconstruct(x, mae.sampleNoise(2, torch.createCPUGenerator(3)));
      assertThat(StateDict.shape(r.pasted())).containsExactly(2, c, 16, 16);
      assertThat(StateDict.shape(r.predicted())).containsExactly(2, c, 16, 16);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 13})
  void features_nonSquareImages_useAResizedPositionGrid(int c) {
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(tiny(c), 2); PointerScope scope = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Features f = mae.features(images(2, c, 28, 20, 5));
      assertThat(StateDict.shape(f.tokens())).containsExactly(2, 1 + 7 * 5, 32);
      assertThat(StateDict.shape(f.meanPatch())).containsExactly(2, 32);
      assertThat(TensorData.toFloatArray(f.meanPatch())).doesNotContain(Float.NaN);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 13})
  void finetuneStep_classifierFromTheEncoder_anyChannels(int c) {
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(tiny(c), 3);
        VitClassifier clf = new VitClassifier(tiny(c), 5, Pooling.AVERAGE, 0.0, 4);
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = mae.stateDict();
      clf.loadEncoder(sd);
      Tensor logits = clf.forward(images(2, c, 16, 16, 9));
      assertThat(StateDict.shape(logits)).containsExactly(2, 5);
      Tensor loss = logits.log_softmax(1).narrow(1, 0, 1).mean().neg();
      loss.backward();
      Tensor w = clf.namedParameters().get("patch_embed.proj.weight");
      assertThat(StateDict.shape(w.grad())).containsExactly(32, c, 4, 4);
      assertThat(w.grad().abs().sum().item_float()).isPositive();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void finetuneStep_nonSquareClassifierFromANonSquareMae_trainsAt28x20(int c) {
    MaeConfig config = tiny(c).toBuilder().imageSize(28).imageWidth(20).build();
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(config, 3);
        VitClassifier clf = new VitClassifier(config, 5, Pooling.AVERAGE, 0.1, 4);
        PointerScope scope = new PointerScope()) {
      // a fresh classifier: the sin-cos table of the 7×5 grid, as the MAE's
      assertThat(TensorData.toFloatArray(clf.namedParameters().get("pos_embed").narrow(1, 1, 35).flatten(0, -1)))
          .containsExactly(SinCosPosEmbed.table(32, 7, 5, false));
      Map<String, Tensor> sd = mae.stateDict();
      var report = clf.loadEncoder(sd);
      assertThat(report.posEmbedResized()).isFalse();
      assertThat(TensorData.toFloatArray(clf.namedParameters().get("blocks.0.attn.qkv.weight")))
          .containsExactly(TensorData.toFloatArray(sd.get("blocks.0.attn.qkv.weight")));
      clf.train(true);
      Tensor x = images(2, c, 28, 20, 9);
      Tensor before = clf.forward(x).detach().clone();
      Tensor loss = clf.forward(x).log_softmax(1).narrow(1, 0, 1).mean().neg();
      loss.backward();
      Tensor w = clf.namedParameters().get("patch_embed.proj.weight");
      assertThat(StateDict.shape(w.grad())).containsExactly(32, c, 4, 4);
      try (NoGradGuard g = new NoGradGuard()) {
        for (Tensor p : clf.namedParameters().values()) {
          if (p.grad().defined()) {
            p.sub_(p.grad().mul(new org.bytedeco.pytorch.Scalar(0.5)));
          }
        }
        clf.train(false);
        Tensor after = clf.forward(x);
        assertThat(StateDict.shape(after)).containsExactly(2, 5);
        assertThat(after.log_softmax(1).narrow(1, 0, 1).mean().item_float())
            .isGreaterThan(before.log_softmax(1).narrow(1, 0, 1).mean().item_float());
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> clf.forward(images(1, c, 28, 28, 1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, " + c + ", 28, 20]");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void loadEncoder_squareMaeIntoNonSquareClassifier_resizesThePositionGrid(int c) {
    MaeConfig config = tiny(c).toBuilder().imageSize(28).imageWidth(20).build();
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(tiny(c), 3);
        VitClassifier clf = new VitClassifier(config, 5, Pooling.CLS_TOKEN, 0.0, 4);
        PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      var report = clf.loadEncoder(mae.stateDict());
      assertThat(report.posEmbedResized()).isTrue();
      assertThat(StateDict.shape(clf.namedParameters().get("pos_embed"))).containsExactly(1, 36, 32);
      assertThat(StateDict.shape(clf.forward(images(2, c, 28, 20, 9)))).containsExactly(2, 5);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 13})
  void load_officialRgbWeights_adaptedToC(int c) throws Exception {
    MaeConfig model = LayoutFixtures.model().withInChannels(c);
    for (ChannelAdaptation a : ChannelAdaptation.values()) {
      try (MaskedAutoencoder mae = MaskedAutoencoder.create(model, 0); PointerScope scope = new PointerScope();
          NoGradGuard g = new NoGradGuard()) {
        PretrainedWeights.Loaded r = PretrainedWeights.load(mae, LayoutFixtures.official(), a);
        assertThat(r.notes()).contains("patch_embed.proj.weight: 3 → " + c + " channels (" + a + ")");
        MaeOutput out = mae.forward(images(2, c, 16, 16, 1), 3L);
        assertThat(StateDict.shape(out.pred())).containsExactly(2, 16, 16L * c);
        assertThat(out.loss().item_float()).isFinite();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 13})
  void meanAdaptation_imageOfEqualChannels_embedsAsTheRgbModel(int c) throws Exception {
    try (MaskedAutoencoder adapted = MaskedAutoencoder.create(LayoutFixtures.model().withInChannels(c), 0);
        MaskedAutoencoder rgb = MaskedAutoencoder.create(LayoutFixtures.model(), 0);
        PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      PretrainedWeights.load(adapted, LayoutFixtures.official(), ChannelAdaptation.MEAN);
      PretrainedWeights.load(rgb, LayoutFixtures.official(), null);
      Tensor plane = images(2, 1, 16, 16, 4);
      assertClose(adapted.features(plane.expand(2, c, 16, 16).contiguous()).tokens(),
          rgb.features(plane.expand(2, 3, 16, 16).contiguous()).tokens(), 1e-5, "tokens");
    }
  }

  @org.junit.jupiter.api.Test
  void sinCosTable_nonSquareGrid_columnHalfSharedAlongColumnsRowHalfAlongRows() {
    int d = 16;
    float[] t = SinCosPosEmbed.table(d, 7, 5, false); // 7 rows, 5 columns, patch k = i·5 + j
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 5; j++) {
        for (int e = 0; e < d / 2; e++) {
          // first half: the column j (as the reference's grid[0] = w); second half: the row i
          assertThat(t[(i * 5 + j) * d + e]).isEqualTo(t[j * d + e]);
          assertThat(t[(i * 5 + j) * d + d / 2 + e]).isEqualTo(t[(i * 5) * d + d / 2 + e]);
        }
      }
    }
    assertThat(t[(6 * 5 + 4) * d]).isNotEqualTo(t[0]);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 13})
  void nonSquareModel_224x160Scaled_pretrainsReconstructsAndGivesFeatures(int c) {
    // 28×20 px with 4-px patches: a 7×5 grid, the shape of 224×160 with 32-px patches
    MaeConfig config = tiny(c).toBuilder().imageSize(28).imageWidth(20).build();
    assertThat(config.getNumPatches()).isEqualTo(35);
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(config, 1); PointerScope scope = new PointerScope()) {
      Tensor table = mae.stateDict().get("pos_embed");
      assertThat(TensorData.toFloatArray(table.narrow(1, 1, 35).flatten(0, -1)))
          .containsExactly(SinCosPosEmbed.table(32, 7, 5, false));
      Tensor x = images(2, c, 28, 20, c);
      assertThat(TensorData.toFloatArray(mae.unpatchify(mae.patchify(x)))).containsExactly(TensorData.toFloatArray(x));
      MaeOutput out = mae.forward(x, 7L);
      assertThat(StateDict.shape(out.pred())).containsExactly(2, 35, 16L * c);
      assertThat(out.mask().sum().item_float()).isEqualTo(2 * (35 - 8f));
      out.loss().backward();
      assertThat(out.loss().item_float()).isFinite().isPositive();
      Reconstruction r = mae.reconstruct(x, mae.sampleNoise(2, torch.createCPUGenerator(3)));
      assertThat(StateDict.shape(r.pasted())).containsExactly(2, c, 28, 20);
      try (NoGradGuard g = new NoGradGuard()) {
        assertThat(StateDict.shape(mae.features(x).tokens())).containsExactly(2, 36, 32);
        assertThat(StateDict.shape(mae.features(images(1, c, 16, 16, 2)).tokens())).containsExactly(1, 17, 32);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void nonSquareConfig_squareOnlyPartsRefuseByName() {
    MaeConfig config = tiny(3).toBuilder().imageSize(28).imageWidth(20).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(config::getGridSize)
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("7×5");
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(config, 1)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> mae.forward(images(1, 3, 28, 28, 1), 1L))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("28x20");
    }
  }
}

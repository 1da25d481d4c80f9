package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.TensorData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FeaturesAndReconstructionTest {
  static MaskedAutoencoder model;
  static MaskedAutoencoder rawModel;

  @BeforeAll
  static void build() {
    Torch.load();
    model = MaskedAutoencoder.create(MaskedAutoencoderTest.CONFIG, 5);
    rawModel = MaskedAutoencoder.create(MaskedAutoencoderTest.CONFIG.withNormPixLoss(false), 5);
  }

  @AfterAll
  static void close() {
    model.close();
    rawModel.close();
  }

  @Test
  void features_twice_identicalAndMeanIsPatchAverage() {
    try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Tensor x = torch.rand(2, 3, 16, 16);
      Features a = model.features(x);
      Features b = model.features(x);
      assertThat(TensorData.toFloatArray(a.cls())).containsExactly(TensorData.toFloatArray(b.cls()));
      assertThat(StateShapes.of(a.tokens())).containsExactly(2, 17, 32);
      assertThat(StateShapes.of(a.meanPatch())).containsExactly(2, 32);
      float[] tokens = TensorData.toFloatArray(a.tokens());
      float[] mean = TensorData.toFloatArray(a.meanPatch());
      double m = 0;
      for (int k = 1; k <= 16; k++) {
        m += tokens[k * 32 + 3] / 16.0;
      }
      assertThat((double) mean[3]).isCloseTo(m, within(1e-5));
    }
  }

  @Test
  void features_sameGridSize_equalsEncoderWithNothingMasked() {
    // mask ratio 0 keeps all 16 patches: the training encoder path with an identity shuffle must equal features()
    MaeConfig noMask = MaskedAutoencoderTest.CONFIG.withMaskRatio(0);
    try (MaskedAutoencoder m = MaskedAutoencoder.create(noMask, 5);
        PointerScope s = new PointerScope();
        NoGradGuard g = new NoGradGuard()) {
      Tensor x = torch.rand(1, 3, 16, 16);
      Tensor identity = torch.arange(new org.bytedeco.pytorch.Scalar(16)).to(torch.ScalarType.Float).reshape(1, 16);
      Masking.Indices idx = MaskedAutoencoder.randomMasking(identity, 16);
      Tensor latent = m.forwardEncoder(x, idx);
      float[] expected = TensorData.toFloatArray(latent);
      float[] actual = TensorData.toFloatArray(m.features(x).tokens());
      for (int i = 0; i < expected.length; i++) {
        assertThat(actual[i]).isCloseTo(expected[i], within(1e-5f));
      }
    }
  }

  @Test
  void features_largerImage_interpolatesPositions() {
    try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Features f = model.features(torch.rand(1, 3, 24, 32));
      assertThat(StateShapes.of(f.tokens())).containsExactly(1, 1 + 6 * 8, 32);
      // bicubic resize of the 4x4 table to the same 4x4 grid is the identity
      Tensor pos = model.stateDict().get("pos_embed");
      Tensor same = FeatureExtraction.patchPositions(pos, 4, 4, 4);
      assertThat(TensorData.toFloatArray(same)).containsExactly(TensorData.toFloatArray(pos.narrow(1, 1, 16)));
      Tensor bigger = FeatureExtraction.patchPositions(pos, 4, 6, 8);
      assertThat(StateShapes.of(bigger)).containsExactly(1, 48, 32);
      // corners stay close to the original corner rows (align_corners=false keeps them near, not equal)
      float[] b = TensorData.toFloatArray(bigger);
      float[] p = TensorData.toFloatArray(pos);
      assertThat(b[0]).isCloseTo(p[32], within(0.2f));
    }
  }

  @Test
  void reconstruct_rawPixels_pastesVisiblePatchesExactly() {
    try (PointerScope s = new PointerScope()) {
      Tensor x = torch.rand(2, 3, 16, 16);
      Tensor noise = torch.rand(2, 16);
      Reconstruction r = rawModel.reconstruct(x, noise);
      assertThat(r.pixelScale()).isEqualTo(Reconstruction.PixelScale.RAW);
      float[] pasted = TensorData.toFloatArray(rawModel.patchify(r.pasted()));
      float[] predicted = TensorData.toFloatArray(rawModel.patchify(r.predicted()));
      float[] input = TensorData.toFloatArray(rawModel.patchify(x));
      float[] mask = TensorData.toFloatArray(r.mask());
      for (int k = 0; k < 32; k++) {
        for (int v = 0; v < 48; v++) {
          int i = k * 48 + v;
          assertThat(pasted[i]).isEqualTo(mask[k] == 0 ? input[i] : predicted[i]);
        }
      }
    }
  }

  @Test
  void reconstruct_fromAnOutputAlreadyComputed_equalsReconstructFromTheNoise() {
    try (PointerScope s = new PointerScope()) {
      Tensor x = torch.rand(2, 3, 16, 16);
      Tensor noise = torch.rand(2, 16);
      Reconstruction a = model.reconstruct(x, noise);
      Reconstruction b = model.reconstruct(x, model.forward(x, noise));
      assertThat(TensorData.toFloatArray(b.predicted())).containsExactly(TensorData.toFloatArray(a.predicted()));
      assertThat(TensorData.toFloatArray(b.pasted())).containsExactly(TensorData.toFloatArray(a.pasted()));
      assertThat(TensorData.toFloatArray(b.mask())).containsExactly(TensorData.toFloatArray(a.mask()));
      assertThat(b.pixelScale()).isEqualTo(a.pixelScale());
    }
  }

  @Test
  void reconstruct_normPix_usesVisibleStatisticsOnly() {
    try (PointerScope s = new PointerScope()) {
      Tensor x = torch.rand(1, 3, 16, 16);
      Tensor noise = torch.rand(1, 16);
      Reconstruction r = model.reconstruct(x, noise);
      assertThat(r.pixelScale()).isEqualTo(Reconstruction.PixelScale.VISIBLE_IMAGE_STATS);
      // changing only the removed patches of the input must not change any prediction
      float[] mask = TensorData.toFloatArray(r.mask());
      float[] patches = TensorData.toFloatArray(model.patchify(x));
      for (int k = 0; k < 16; k++) {
        if (mask[k] == 1) {
          for (int v = 0; v < 48; v++) {
            patches[k * 48 + v] = patches[k * 48 + v] * 5 + 3;
          }
        }
      }
      Tensor altered = model.unpatchify(TensorData.fromFloats(patches, 1, 16, 48));
      Reconstruction r2 = model.reconstruct(altered, noise);
      assertThat(TensorData.toFloatArray(r2.predicted())).containsExactly(TensorData.toFloatArray(r.predicted()));
    }
  }

  @Test
  void reconstruct_trueOracle_mapsEachPatchWithItsOwnStatisticsAndSaysSo() {
    try (PointerScope s = new PointerScope()) {
      Tensor x = torch.rand(1, 3, 16, 16);
      Tensor noise = torch.rand(1, 16);
      MaeOutput out = model.forward(x, noise);
      Reconstruction r = model.reconstruct(x, out, Reconstruction.PatchStatistics.TRUE_ORACLE);
      assertThat(r.pixelScale()).isEqualTo(Reconstruction.PixelScale.TRUE_PATCH_STATS_ORACLE);
      // patch k's prediction p ↦ p·sqrt(var_k + 1e-6) + mean_k, with patch k's own mean and unbiased variance
      float[] pred = TensorData.toFloatArray(out.pred());
      float[] target = TensorData.toFloatArray(model.patchify(x));
      float[] got = TensorData.toFloatArray(model.patchify(r.predicted()));
      for (int k = 0; k < 16; k++) {
        double mean = 0;
        for (int v = 0; v < 48; v++) {
          mean += target[k * 48 + v] / 48.0;
        }
        double var = 0;
        for (int v = 0; v < 48; v++) {
          var += Math.pow(target[k * 48 + v] - mean, 2) / 47.0;
        }
        for (int v = 0; v < 48; v++) {
          double expected = pred[k * 48 + v] * Math.sqrt(var + MaskedAutoencoder.NORM_PIX_EPS) + mean;
          assertThat((double) got[k * 48 + v]).as("patch %d value %d", k, v)
              .isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-5));
        }
      }
    }
  }
}

package io.github.mae4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.io.Safetensors;
import io.github.mae4j.torch.nn.Features;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.weights.ChannelAdaptation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The Kotlin sample {@link KotlinPretrainedFeatures} opens the Hugging Face ViTMAE fixture of mae-torch-binding
 * (tools/make_layout_fixtures.py) and extracts the features PyTorch computed from the same weights.
 */
class KotlinPretrainedFeaturesTest {
  static final Path LAYOUTS = Path.of("..", "mae-torch-binding", "src", "test", "resources", "layouts");

  static float[] floats(Tensor t) {
    byte[] b = io.github.mae4j.torch.run.TensorData.of(t.contiguous()).bytes();
    float[] out = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  static double maxRel(Tensor actual, Tensor expected) {
    float[] a = floats(actual);
    float[] e = floats(expected);
    assertThat(a).hasSameSizeAs(e);
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < e.length; i++) {
      scale = Math.max(scale, Math.abs(e[i]));
      worst = Math.max(worst, Math.abs(a[i] - e[i]));
    }
    return worst / scale;
  }

  @Test
  void features_hfCheckpoint_equalPyTorchs() throws Exception {
    Map<String, Tensor> io = Safetensors.read(LAYOUTS.resolve("io.safetensors"));
    try (MaskedAutoencoder mae = KotlinPretrainedFeatures.INSTANCE.open(LAYOUTS.resolve("hf"), null, null, null)) {
      assertThat(mae.config().getLayerNormEps()).isEqualTo(1e-12);
      Features f = KotlinPretrainedFeatures.INSTANCE.features(mae, io.get("images"));
      // timm.tokens: the same weights through PyTorch's ViT (LayerNorm eps 1e-6 there, 1e-12 here)
      assertThat(maxRel(f.tokens(), io.get("timm.tokens"))).isLessThanOrEqualTo(1e-5);
      assertThat(f.meanPatch().size(1)).isEqualTo(32);
    }
    try (MaskedAutoencoder mae = KotlinPretrainedFeatures.INSTANCE.open(LAYOUTS.resolve("hf"), 24, null, null)) {
      Features f = KotlinPretrainedFeatures.INSTANCE.features(mae, io.get("images24"));
      assertThat(maxRel(f.tokens(), io.get("timm.tokens24"))).isLessThanOrEqualTo(1e-5);
    }
  }

  @Test
  void open_otherChannels_refusedUnlessAdapted() {
    assertThatThrownBy(() -> KotlinPretrainedFeatures.INSTANCE.open(LAYOUTS.resolve("hf"), null, 13, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patch_embed.proj.weight has 3");
    try (MaskedAutoencoder mae = KotlinPretrainedFeatures.INSTANCE.open(LAYOUTS.resolve("hf"), null, 13,
        ChannelAdaptation.MEAN)) {
      Tensor images = org.bytedeco.pytorch.global.torch.rand(2, 13, 16, 16);
      assertThat(KotlinPretrainedFeatures.INSTANCE.features(mae, images).meanPatch().size(1)).isEqualTo(32);
    }
  }
}

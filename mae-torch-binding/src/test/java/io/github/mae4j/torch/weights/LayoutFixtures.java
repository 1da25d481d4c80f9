package io.github.mae4j.torch.weights;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.internal.TensorData;
import io.github.mae4j.torch.io.Safetensors;
import io.github.mae4j.torch.io.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** The files {@code tools/make_layout_fixtures.py} wrote: one tiny MAE in every layout, inputs and outputs. */
final class LayoutFixtures {
  private LayoutFixtures() {}

  static Path root() {
    try {
      return Path.of(LayoutFixtures.class.getResource("/layouts/io.safetensors").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path official() {
    return root().resolve("official/mae_full.pth");
  }

  static Path hf() {
    return root().resolve("hf");
  }

  static Path timm() {
    return root().resolve("timm/model.safetensors");
  }

  static Path timmNoEmbedClass() {
    return root().resolve("timm_no_embed_class/model.safetensors");
  }

  /** The fixture's model with the official LayerNorm eps (1e-6). */
  static MaeConfig model() {
    try {
      return HfConfig.read(hf()).toMaeConfig().withLayerNormEps(1e-6);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Tensor> io() throws IOException {
    return Safetensors.read(root().resolve("io.safetensors"));
  }

  /** max |actual − expected| ≤ rel · max |expected|, shapes equal. */
  static void assertClose(Tensor actual, Tensor expected, double rel, String what) {
    assertThat(StateDict.shape(actual)).as(what + " shape").containsExactly(StateDict.shape(expected));
    double[] a = TensorData.toDoubleArray(actual);
    double[] e = TensorData.toDoubleArray(expected);
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < e.length; i++) {
      scale = Math.max(scale, Math.abs(e[i]));
      worst = Math.max(worst, Math.abs(a[i] - e[i]));
    }
    assertThat(scale).as(what + " is not all zeros").isPositive();
    assertThat(worst / scale).as(what + ": max |Δ| / max |expected|").isLessThanOrEqualTo(rel);
  }

  static byte[] bytes(Tensor t) {
    return io.github.mae4j.torch.run.TensorData.of(t).bytes();
  }
}

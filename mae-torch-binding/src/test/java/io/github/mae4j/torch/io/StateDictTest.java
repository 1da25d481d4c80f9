package io.github.mae4j.torch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.TensorData;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDictTest {
  static final MaeConfig CONFIG = MaeConfig.builder().imageSize(16).patchSize(4)
      .encoder(e -> e.embedDim(32).depth(2).numHeads(4))
      .decoder(d -> d.embedDim(16).depth(1).numHeads(2))
      .build();
  @TempDir Path dir;

  @Test
  void safetensorsRoundTrip_modelWeights_secondModelComputesTheSameLoss() throws IOException {
    Torch.load();
    try (MaskedAutoencoder a = MaskedAutoencoder.create(CONFIG, 1);
        MaskedAutoencoder b = MaskedAutoencoder.create(CONFIG, 2);
        PointerScope s = new PointerScope()) {
      Path f = dir.resolve("w.safetensors");
      Safetensors.write(f, a.stateDict());
      Tensor x = torch.rand(2, 3, 16, 16);
      float before = b.forward(x, 3L).loss().item_float();
      LoadReport r = b.loadStateDict(Safetensors.read(f), true);
      assertThat(r.isComplete()).isTrue();
      assertThat(r.loaded()).hasSize(a.stateDict().size());
      float la = a.forward(x, 3L).loss().item_float();
      assertThat(b.forward(x, 3L).loss().item_float()).isEqualTo(la).isNotEqualTo(before);
    }
  }

  @Test
  void loadStateDict_strictWithProblems_throwsNamingEveryKeyAndLoadsNothing() {
    Torch.load();
    try (MaskedAutoencoder a = MaskedAutoencoder.create(CONFIG, 1); PointerScope s = new PointerScope()) {
      Map<String, Tensor> sd = new LinkedHashMap<>(a.stateDict());
      float[] normBefore = TensorData.toFloatArray(a.stateDict().get("norm.weight"));
      sd.remove("decoder_pred.bias");
      sd.put("head.weight", torch.zeros(2));
      sd.put("cls_token", torch.zeros(1, 1, 8));
      sd.put("norm.weight", torch.full(new long[] {32}, new org.bytedeco.pytorch.Scalar(3f)));
      assertThatThrownBy(() -> a.loadStateDict(sd, true))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("decoder_pred.bias")
          .hasMessageContaining("head.weight")
          .hasMessageContaining("cls_token: expected [1, 1, 32], got [1, 1, 8]");
      assertThat(TensorData.toFloatArray(a.stateDict().get("norm.weight"))).containsExactly(normBefore);

      LoadReport r = a.loadStateDict(sd, false);
      assertThat(r.missing()).containsExactly("decoder_pred.bias");
      assertThat(r.unexpected()).containsExactly("head.weight");
      assertThat(r.shapeMismatches()).containsExactly("cls_token: expected [1, 1, 32], got [1, 1, 8]");
      assertThat(TensorData.toFloatArray(a.stateDict().get("norm.weight"))).containsOnly(3f);
    }
  }
}

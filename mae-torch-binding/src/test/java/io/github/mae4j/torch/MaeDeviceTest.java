package io.github.mae4j.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.nn.MaeOutput;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class MaeDeviceTest {

  @Test
  void parse_cpu_isCpu() {
    assertThat(MaeDevice.parse(" CPU ")).isEqualTo(MaeDevice.cpu());
    assertThat(MaeDevice.cpu().toString()).isEqualTo("cpu");
    assertThat(MaeDevice.cpu().isCuda()).isFalse();
  }

  @Test
  void parse_garbage_isRejectedNamingForms() {
    assertThatThrownBy(() -> MaeDevice.parse("tpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"cuda:<index>\"")
        .hasMessageContaining("\"tpu\"");
    assertThatThrownBy(() -> MaeDevice.parse("cuda:x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_cudaWithoutCuda_throwsIllegalState() {
    assumeFalse(Torch.cudaAvailable(), "CUDA present: nothing to refuse");
    assertThatThrownBy(() -> MaeDevice.parse("cuda:0"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("CUDA requested but not available (");
    assertThat(MaeDevice.best()).isEqualTo(MaeDevice.cpu());
  }

  @Test
  @Tag("gpu")
  void forward_onCuda_matchesCpuLoss() {
    assumeTrue(Torch.cudaAvailable(), "no CUDA device");
    MaeConfig config = MaeConfig.builder().imageSize(16).patchSize(4)
        .encoder(e -> e.embedDim(32).depth(2).numHeads(4))
        .decoder(d -> d.embedDim(16).depth(1).numHeads(2)).build();
    MaeDevice gpu = MaeDevice.parse("cuda");
    try (MaskedAutoencoder cpu = MaskedAutoencoder.create(config, 1);
        MaskedAutoencoder cuda = MaskedAutoencoder.create(config, gpu, 1);
        PointerScope s = new PointerScope()) {
      Tensor x = torch.rand(2, 3, 16, 16);
      MaeOutput a = cpu.forward(x, 4L);
      MaeOutput b = cuda.forward(x.to(gpu.toTorch(), x.scalar_type()), 4L);
      assertThat((double) b.loss().item_float())
          .isCloseTo(a.loss().item_float(), org.assertj.core.api.Assertions.within(1e-4));
      // and a whole training step on the GPU: backward, AdamW, the weights move and stay finite
      java.util.List<Tensor> params = new java.util.ArrayList<>();
      cuda.parameterGroups().decay().forEach(p -> params.add(p.tensor()));
      Tensor before = params.get(0).detach().clone();
      // the AdamW runs choose (the fused kernel where libtorch has it, on the GPU too)
      var opt = io.github.mae4j.torch.internal.TrainingAdamW.create(
          java.util.List.of(new io.github.mae4j.torch.internal.AdamWFactory.Group(params, 0.05)),
          new io.github.mae4j.torch.internal.AdamWFactory.Hyper(1e-3, 0.9, 0.95, 1e-8));
      b.loss().backward();
      opt.step();
      Tensor moved = params.get(0).detach().sub(before).abs().max().cpu();
      assertThat(moved.item_float()).isPositive().isFinite();
      opt.close();
    }
  }
}

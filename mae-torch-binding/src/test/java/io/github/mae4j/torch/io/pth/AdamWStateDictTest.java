package io.github.mae4j.torch.io.pth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.io.pth.AdamWStateDict.Group;
import io.github.mae4j.torch.io.pth.AdamWStateDict.Moments;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWStateDictTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  @Test
  void moments_pytorchAdamWAfterOneStep_everyParameterWithStepOneAndItsMoments() throws Exception {
    Map<?, ?> tree = (Map<?, ?>) TorchCheckpoint.read(Fixtures.file("training.pth"));
    JsonNode expected = Fixtures.expected("training.pth");
    Map<Long, Moments> moments = AdamWStateDict.moments((Map<?, ?>) tree.get("optimizer"));
    int params = ((Map<?, ?>) tree.get("model")).size();
    // pos_embed (index 1) is frozen: never stepped, so PyTorch keeps no state for it
    assertThat(moments.keySet()).containsExactlyElementsOf(
        LongStream.range(0, params).filter(i -> i != 1).boxed().toList());
    assertThat(expected.has("optimizer/state/1/step")).isFalse();
    for (Map.Entry<Long, Moments> e : moments.entrySet()) {
      assertThat(e.getValue().step()).isEqualTo(1.0);
      Fixtures.assertTensor("exp_avg " + e.getKey(), e.getValue().expAvg(),
          expected.get("optimizer/state/" + e.getKey() + "/exp_avg"));
      Fixtures.assertTensor("exp_avg_sq " + e.getKey(), e.getValue().expAvgSq(),
          expected.get("optimizer/state/" + e.getKey() + "/exp_avg_sq"));
    }
    List<Group> groups = AdamWStateDict.groups((Map<?, ?>) tree.get("optimizer"));
    assertThat(groups).hasSize(1);
    Group g = groups.getFirst();
    assertThat(List.of(g.lr(), g.beta1(), g.beta2(), g.eps(), g.weightDecay())).containsExactly(1e-3, 0.9, 0.95, 1e-8, 0.05);
    assertThat(g.params()).containsExactlyElementsOf(LongStream.range(0, params).boxed().toList());
    assertThat(g.extra()).containsEntry("amsgrad", false).containsEntry("maximize", false);
    TorchCheckpoint.closeTensors(tree);
  }

  @Test
  void toStateDict_writtenAndRead_restoresMomentsAndGroupsExactly() throws Exception {
    Map<Long, Moments> state = new LinkedHashMap<>();
    state.put(0L, new Moments(12, torch.full(new long[] {2, 3}, new org.bytedeco.pytorch.Scalar(0.25)),
        torch.full(new long[] {2, 3}, new org.bytedeco.pytorch.Scalar(1e-6))));
    state.put(2L, new Moments(12, torch.ones(4), torch.zeros(4)));
    Map<String, Object> extra = Map.of("lr_scale", 0.65);
    List<Group> groups = List.of(new Group(1.5e-4, 0.9, 0.95, 1e-8, 0.05, List.of(0L, 1L), Map.of()),
        new Group(1.5e-4, 0.9, 0.95, 1e-8, 0.0, List.of(2L), extra));
    Path file = tmp.resolve("opt.pth");
    TorchCheckpoint.write(file, Map.of("optimizer", AdamWStateDict.toStateDict(state, groups), "epoch", 4L));
    Map<?, ?> opt = (Map<?, ?>) ((Map<?, ?>) TorchCheckpoint.read(file)).get("optimizer");
    Map<Long, Moments> back = AdamWStateDict.moments(opt);
    assertThat(back.keySet()).containsExactly(0L, 2L);
    assertThat(back.get(2L).step()).isEqualTo(12.0);
    assertThat(Fixtures.doubles(back.get(0L).expAvg())).containsOnly(0.25);
    assertThat(Fixtures.doubles(back.get(0L).expAvgSq())).containsOnly((double) 1e-6f);
    Tensor step = (Tensor) ((Map<?, ?>) ((Map<?, ?>) opt.get("state")).get(0L)).get("step");
    assertThat(step.dim()).isZero();
    List<Group> g = AdamWStateDict.groups(opt);
    assertThat(g.get(1).weightDecay()).isZero();
    assertThat(g.get(1).params()).containsExactly(2L);
    assertThat(g.get(1).extra()).containsEntry("lr_scale", 0.65).containsEntry("foreach", null);
    TorchCheckpoint.closeTensors(opt);
  }

  @Test
  void moments_notAnOptimizer_namesWhatIsMissing() {
    assertThatThrownBy(() -> AdamWStateDict.moments(Map.of("state", Map.of(0L, Map.of("step", 1L)))))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining("optimizer state 0 lacks step/exp_avg/exp_avg_sq; keys [step]");
    assertThatThrownBy(() -> AdamWStateDict.groups(Map.of("param_groups", List.of(Map.of("lr", 1.0)))))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining("param group 0 has no 'params' list");
  }
}

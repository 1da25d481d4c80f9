package io.github.mae4j.torch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.mae4j.torch.Torch;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FusedAdamWTest {
  private static final long[][] DECAY_SHAPES = {{48, 24}, {24, 48}, {3, 5, 2, 2}};
  private static final long[][] NO_DECAY_SHAPES = {{48}, {24}, {1, 1, 24}};
  private static final AdamWFactory.Hyper HYPER = new AdamWFactory.Hyper(1e-3, 0.9, 0.95, 1e-8);

  @BeforeAll
  static void load() {
    Torch.load();
    assumeThat(FusedAdamW.available()).as("this libtorch has aten::_fused_adamw_").isTrue();
  }

  /** Two groups (weight decay 0.05 and 0) of fresh leaf tensors drawn from {@code seed}. */
  private static List<AdamWFactory.Group> groups(long seed) {
    Generator g = torch.createCPUGenerator(seed);
    List<Tensor> decay = new ArrayList<>();
    List<Tensor> noDecay = new ArrayList<>();
    for (long[] s : DECAY_SHAPES) {
      decay.add(torch.randn(s, new GeneratorOptional(g)).set_requires_grad(true));
    }
    for (long[] s : NO_DECAY_SHAPES) {
      noDecay.add(torch.randn(s, new GeneratorOptional(g)).set_requires_grad(true));
    }
    return List.of(new AdamWFactory.Group(decay, 0.05), new AdamWFactory.Group(noDecay, 0.0));
  }

  /** Sets the same gradients (drawn from (seed, step)) on both parameter lists; parameter 1 skips odd steps. */
  private static void setGrads(List<AdamWFactory.Group> a, List<AdamWFactory.Group> b, int step) {
    Generator g = torch.createCPUGenerator(1000 + step);
    for (int k = 0; k < a.size(); k++) {
      for (int i = 0; i < a.get(k).params().size(); i++) {
        Tensor pa = a.get(k).params().get(i);
        Tensor pb = b.get(k).params().get(i);
        Tensor grad = torch.randn(pa.sizes().vec().get(), new GeneratorOptional(g));
        if (k == 0 && i == 1 && step % 2 == 1) {
          continue; // no gradient this step: both AdamWs must leave it and its state alone
        }
        pa.mutable_grad().put(grad.clone());
        pb.mutable_grad().put(grad.clone());
      }
    }
  }

  private static double maxAbsDiff(List<AdamWFactory.Group> a, List<AdamWFactory.Group> b) {
    double max = 0;
    for (int k = 0; k < a.size(); k++) {
      for (int i = 0; i < a.get(k).params().size(); i++) {
        Tensor d = a.get(k).params().get(i).detach().sub(b.get(k).params().get(i).detach()).abs().max();
        max = Math.max(max, d.item_double());
      }
    }
    return max;
  }

  /** Runs {@code steps} updates on both with a cosine-like changing lr, from iteration {@code from}. */
  private static void steps(TrainingAdamW a, List<AdamWFactory.Group> pa, TrainingAdamW b,
      List<AdamWFactory.Group> pb, int from, int steps) {
    for (int s = from; s < from + steps; s++) {
      try (PointerScope ignored = new PointerScope()) {
        double lr = 1e-3 * 0.5 * (1 + Math.cos(Math.PI * s / 200.0));
        for (int g = 0; g < a.groupCount(); g++) {
          a.setLr(g, lr);
          b.setLr(g, lr);
        }
        a.zeroGrad();
        b.zeroGrad();
        setGrads(pa, pb, s);
        a.step();
        b.step();
      }
    }
  }

  @Test
  void step_100Updates_equalLibtorchAdamWTo1em6() {
    List<AdamWFactory.Group> pa = groups(3);
    List<AdamWFactory.Group> pb = groups(3);
    try (LibtorchAdamW ref = new LibtorchAdamW(pa, HYPER); FusedAdamW fused = new FusedAdamW(pb, HYPER)) {
      steps(ref, pa, fused, pb, 0, 100);
      double diff = maxAbsDiff(pa, pb);
      assertThat(diff).isLessThan(1e-6);
      // and the update did move the weights by far more than that
      List<AdamWFactory.Group> start = groups(3);
      assertThat(maxAbsDiff(start, pb)).isGreaterThan(1e-2);
      // the parameter that skipped every odd step took 50 updates, the others 100
      assertThat(fused.steps[0][1]).isEqualTo(50);
      assertThat(fused.steps[0][0]).isEqualTo(100);
    }
  }

  @Test
  void saveState_fusedToLibtorchAndBack_continuesWithTheSameUpdates() {
    List<AdamWFactory.Group> pa = groups(5);
    List<AdamWFactory.Group> pb = groups(5);
    try (FusedAdamW fused = new FusedAdamW(pa, HYPER); LibtorchAdamW ref = new LibtorchAdamW(pb, HYPER)) {
      steps(fused, pa, ref, pb, 0, 20);
      // fused state → a fresh libtorch AdamW over copies, libtorch state → a fresh fused one over copies
      List<AdamWFactory.Group> pc = copy(pa);
      List<AdamWFactory.Group> pd = copy(pb);
      try (LibtorchAdamW fromFused = new LibtorchAdamW(pc, HYPER);
          FusedAdamW fromLibtorch = new FusedAdamW(pd, HYPER)) {
        fromFused.loadState(fused.saveState());
        fromLibtorch.loadState(ref.saveState());
        assertThat(fromFused.lr(0)).isEqualTo(fused.lr(0));
        assertThat(fromLibtorch.lr(1)).isEqualTo(ref.lr(1));
        assertThat(fromLibtorch.steps[0][1]).isEqualTo(10);
        steps(fused, pa, fromFused, pc, 20, 30);
        steps(ref, pb, fromLibtorch, pd, 20, 30);
        assertThat(maxAbsDiff(pa, pc)).isLessThan(1e-6);
        assertThat(maxAbsDiff(pb, pd)).isLessThan(1e-6);
        assertThat(maxAbsDiff(pa, pb)).isLessThan(1e-6);
      }
    }
  }

  @Test
  void loadState_otherGroups_isRefusedByName() {
    List<AdamWFactory.Group> pa = groups(7);
    try (FusedAdamW fused = new FusedAdamW(pa, HYPER)) {
      steps(fused, pa, fused, pa, 0, 1);
      byte[] state = fused.saveState();
      List<AdamWFactory.Group> fewer = List.of(pa.get(0));
      try (FusedAdamW other = new FusedAdamW(fewer, HYPER)) {
        assertThatThrownBy(() -> other.loadState(state)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("2 parameter groups, this optimizer 1");
      }
      List<AdamWFactory.Group> reshaped = List.of(pa.get(0), new AdamWFactory.Group(List.of(
          torch.zeros(48).set_requires_grad(true), torch.zeros(24).set_requires_grad(true),
          torch.zeros(1, 1, 25).set_requires_grad(true)), 0.0));
      try (FusedAdamW other = new FusedAdamW(reshaped, HYPER)) {
        assertThatThrownBy(() -> other.loadState(state)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("group 1, parameter 2 has shape [1, 1, 24], the parameter [1, 1, 25]");
      }
      assertThatThrownBy(() -> fused.loadState(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a libtorch archive");
    }
  }

  @Test
  void create_forcedKind_isHonouredAndUnknownKindsRefused() {
    String before = System.getProperty("mae4j.adamw");
    try {
      System.setProperty("mae4j.adamw", "libtorch");
      try (TrainingAdamW a = TrainingAdamW.create(groups(1), HYPER)) {
        assertThat(a.kind()).isEqualTo("libtorch");
      }
      System.setProperty("mae4j.adamw", "fused");
      try (TrainingAdamW a = TrainingAdamW.create(groups(1), HYPER)) {
        assertThat(a.kind()).isEqualTo("fused");
      }
      System.setProperty("mae4j.adamw", "sgd");
      assertThatThrownBy(() -> TrainingAdamW.create(groups(1), HYPER)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be fused or libtorch, got 'sgd'");
    } finally {
      io.github.mae4j.torch.TestProperties.restore("mae4j.adamw", before);
    }
  }

  @Test
  void close_twice_isHarmlessAndUseAfterCloseThrows() {
    FusedAdamW fused = new FusedAdamW(groups(2), HYPER);
    fused.close();
    fused.close();
    assertThatThrownBy(fused::step).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  private static List<AdamWFactory.Group> copy(List<AdamWFactory.Group> groups) {
    List<AdamWFactory.Group> out = new ArrayList<>();
    for (AdamWFactory.Group g : groups) {
      out.add(new AdamWFactory.Group(g.params().stream().map(p -> p.detach().clone().set_requires_grad(true))
          .toList(), g.weightDecay()));
    }
    return out;
  }
}

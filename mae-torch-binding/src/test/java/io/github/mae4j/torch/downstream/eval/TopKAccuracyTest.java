package io.github.mae4j.torch.downstream.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.junit.jupiter.api.Test;

class TopKAccuracyTest {
  @Test
  void add_knownRanks_countsTop1AndTop2() {
    Torch.load();
    TopKAccuracy acc = new TopKAccuracy(1, 2);
    // rows rank the label 1st, 2nd, 3rd
    acc.add(Tensors.floats(new float[] {0.9f, 0.05f, 0.05f, 0.3f, 0.6f, 0.1f, 0.5f, 0.4f, 0.1f}, 3, 3),
        Tensors.longs(new long[] {0, 0, 2}, 3));
    assertThat(acc.total()).isEqualTo(3);
    assertThat(acc.top1()).isEqualTo(1.0 / 3);
    assertThat(acc.accuracy(1)).isEqualTo(2.0 / 3);
  }
}

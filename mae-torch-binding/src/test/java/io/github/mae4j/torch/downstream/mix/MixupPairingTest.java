package io.github.mae4j.torch.downstream.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Mixup.Pairing#ADJACENT}: a batch split into even blocks mixes as the whole batch does. */
class MixupPairingTest {
  @BeforeAll
  static void load() {
    Torch.load();
  }

  static Mixup mixup(boolean cutmix, long seed) {
    return new Mixup(cutmix ? 0 : 0.8, cutmix ? 1.0 : 0, 1.0, 0.5, 0.1, 4, new SplittableRandom(seed),
        Mixup.Pairing.ADJACENT);
  }

  @ParameterizedTest(name = "cutmix={0}")
  @ValueSource(booleans = {false, true})
  void apply_adjacent_twoBlocksOfFourMixAsTheBatchOfEight(boolean cutmix) {
    float[] px = new float[8 * 2 * 6 * 6];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) r.nextGaussian();
    }
    Tensor images = Tensors.floats(px, 8, 2, 6, 6);
    Tensor labels = Tensors.longs(new long[] {0, 1, 2, 3, 3, 2, 1, 0}, 8);
    Mixup.Mixed whole = mixup(cutmix, 9).apply(images, labels);
    Mixup.Mixed a = mixup(cutmix, 9).apply(images.narrow(0, 0, 4), labels.narrow(0, 0, 4));
    Mixup.Mixed b = mixup(cutmix, 9).apply(images.narrow(0, 4, 4), labels.narrow(0, 4, 4));
    assertThat(whole.cutmix()).isEqualTo(cutmix);
    assertThat(a.lambda()).isEqualTo(whole.lambda()).isEqualTo(b.lambda()).isStrictlyBetween(0.0, 1.0);
    assertThat(Tensors.toFloatArray(torch.cat(new TensorVector(a.images(), b.images()))))
        .containsExactly(Tensors.toFloatArray(whole.images()));
    assertThat(Tensors.toFloatArray(torch.cat(new TensorVector(a.targets(), b.targets()))))
        .containsExactly(Tensors.toFloatArray(whole.targets()));
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {4, 5})
  void mixTargets_adjacent_pairs2iWith2iPlus1_lastOfAnOddBatchWithItself(int n) {
    long[] l = new long[n];
    for (int i = 0; i < n; i++) {
      l[i] = i % 4;
    }
    float[] y = Tensors.toFloatArray(Mixup.mixTargets(Tensors.longs(l, n), 4, 0.25, 0.0, Mixup.Pairing.ADJACENT));
    for (int i = 0; i < n; i++) {
      int partner = (i ^ 1) < n ? i ^ 1 : i;
      for (int c = 0; c < 4; c++) {
        double expected = (c == l[i] ? 0.25 : 0) + (c == l[partner] ? 0.75 : 0);
        assertThat((double) y[i * 4 + c]).as("row %d class %d", i, c).isCloseTo(expected, within(1e-6));
      }
    }
  }
}

package io.github.mae4j.torch.downstream.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.eval.TopKAccuracy;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class KnnClassifierTest {
  // class 0 at angles 0° and ~37°, class 1 at 90° and 180°; lengths differ (cosine ignores them)
  private static Tensor bank() {
    return Tensors.floats(new float[] {2, 0, 0.8f, 0.6f, 0, 5, -1, 0}, 4, 2);
  }

  private static Tensor bankLabels() {
    return Tensors.longs(new long[] {0, 0, 1, 1}, 4);
  }

  @Test
  void votes_handMadeFeatures_areTemperatureWeightedSums() {
    Torch.load();
    try (KnnClassifier knn = new KnnClassifier(bank(), bankLabels(), 2, 3, 0.5)) {
      // query along x: cosines 1, 0.8, 0, −1 → top 3 = 1, 0.8 (class 0), 0 (class 1)
      float[] v = Tensors.toFloatArray(knn.votes(Tensors.floats(new float[] {3, 0}, 1, 2)));
      assertThat((double) v[0]).isCloseTo(Math.exp(2) + Math.exp(1.6), within(1e-4));
      assertThat((double) v[1]).isCloseTo(1.0, within(1e-6));
    }
  }

  @Test
  void predict_queries_nearestClassWins() {
    Torch.load();
    try (KnnClassifier knn = new KnnClassifier(bank(), bankLabels(), 2, 1, 0.07)) {
      Tensor q = Tensors.floats(new float[] {1, 0.1f, -0.1f, 1, -3, 0.2f}, 3, 2);
      assertThat(Tensors.toLongArray(knn.predict(q))).containsExactly(0, 1, 1);
      TopKAccuracy acc = knn.evaluate(q, Tensors.longs(new long[] {0, 1, 0}, 3), 2);
      assertThat(acc.top1()).isCloseTo(2.0 / 3, within(1e-12));
      assertThat(acc.accuracy(1)).isEqualTo(1.0); // top-5 of 2 classes
    }
  }

  @Test
  void constructor_kLargerThanBank_throws() {
    Torch.load();
    assertThatThrownBy(() -> new KnnClassifier(bank(), bankLabels(), 2, 5, 0.07))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k (5) must be in [1, 4]");
  }

  @Test
  void votes_wrongWidth_throws() {
    Torch.load();
    try (KnnClassifier knn = KnnClassifier.withDefaults(
        torchRepeat(), Tensors.longs(new long[20], 20), 2)) {
      assertThatThrownBy(() -> knn.votes(Tensors.zeros(1, 3)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[B, 2]");
    }
  }

  private static Tensor torchRepeat() {
    return Tensors.floats(new float[40], 20, 2).add(Tensors.scalar(1));
  }
}

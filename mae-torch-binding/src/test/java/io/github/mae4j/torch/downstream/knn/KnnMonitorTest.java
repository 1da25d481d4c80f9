package io.github.mae4j.torch.downstream.knn;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.downstream.ToyData;
import io.github.mae4j.torch.downstream.eval.TopKAccuracy;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;

class KnnMonitorTest {
  @Test
  void evaluate_batched_matchesUnbatchedFeaturesAndBeatsChance() {
    MaeConfig c = MaeConfig.builder().imageSize(8).patchSize(4).inChannels(1)
        .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(8).depth(1).numHeads(2)).build();
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(c, 0)) {
      LabeledImages bank = ToyData.halves(200, 1);
      LabeledImages queries = ToyData.halves(50, 2);
      TopKAccuracy acc = new KnnMonitor(bank, queries, 2, 5, 0.07).evaluate(mae, 64);
      assertThat(acc.total()).isEqualTo(50);
      TopKAccuracy direct;
      mae.train(false);
      try (NoGradGuard g = new NoGradGuard();
          KnnClassifier knn = new KnnClassifier(mae.features(bank.images()).meanPatch(), bank.labels(), 2, 5, 0.07)) {
        direct = knn.evaluate(mae.features(queries.images()).meanPatch(), queries.labels(), 50);
      }
      assertThat(acc.top1()).isEqualTo(direct.top1());
      assertThat(acc.top1()).isGreaterThan(0.6); // the halves differ in mean brightness per patch
      assertThat(acc.accuracy(1)).isEqualTo(1.0);
    }
  }
}

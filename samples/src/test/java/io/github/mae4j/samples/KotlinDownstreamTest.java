package io.github.mae4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.downstream.DownstreamData;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.finetune.FinetuneRun;
import io.github.mae4j.torch.downstream.linprobe.LinearProbeRun;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.run.MetricsLog;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kotlin sample {@link KotlinDownstream} fine-tunes, probes and runs k-NN through the library's run layer alone,
 * from an encoder-only official-format {@code .pth} of the Fashion-MNIST model, on a few images: its results equal
 * the same runs built from Java, and a kept fine-tuning run resumes to the same accuracy.
 */
class KotlinDownstreamTest {
  @TempDir Path dir;

  private Path encoder;
  private final DownstreamData data = DownstreamData.fashionMnist(128, 64);

  @BeforeEach
  void writeEncoder() throws Exception {
    encoder = dir.resolve("encoder.pth");
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(Recipes.fashionMnistFinetune().getModel(), 7)) {
      MaeCheckpoint.saveEncoder(mae, encoder);
    }
  }

  @Test
  void finetune_kotlinSample_equalsTheJavaRunAndResumesToTheSameAccuracy() throws Exception {
    Path out = dir.resolve("ft");
    RunResult kotlin = KotlinDownstream.INSTANCE.finetune(encoder, data, 1, out);
    RunResult java = FinetuneRun.builder(Recipes.fashionMnistFinetune()).epochs(1).encoder(encoder).data(data)
        .build().run();
    assertThat(kotlin.epochs()).hasSize(1);
    assertThat(kotlin.epochs().get(0).trainLoss()).isFinite().isPositive()
        .isEqualTo(java.epochs().get(0).trainLoss());
    assertThat(kotlin.top1()).isBetween(0.0, 1.0).isEqualTo(java.top1());
    assertThat(kotlin.top5()).isGreaterThanOrEqualTo(kotlin.top1()).isEqualTo(java.top5());
    assertThat(MetricsLog.read(out.resolve("metrics.jsonl"))).hasSize(1);
    // nothing left to train: the resumed run restores the weights and evaluates the same 64 images
    RunResult resumed = FinetuneRun.resume(out).build().run();
    assertThat(resumed.top1()).isEqualTo(kotlin.top1());
    assertThat(resumed.top5()).isEqualTo(kotlin.top5());
  }

  @Test
  void probe_kotlinSample_equalsTheJavaRun() throws Exception {
    RunResult kotlin = KotlinDownstream.INSTANCE.probe(encoder, data, 2);
    RunResult java = LinearProbeRun.builder(Recipes.fashionMnistLinearProbe()).epochs(2).encoder(encoder).data(data)
        .build().run();
    assertThat(kotlin.epochs()).hasSize(2);
    assertThat(kotlin.epochs()).extracting(e -> e.trainLoss())
        .containsExactlyElementsOf(java.epochs().stream().map(e -> e.trainLoss()).toList());
    assertThat(kotlin.top1()).isBetween(0.0, 1.0).isEqualTo(java.top1());
  }

  @Test
  void knn_oneNeighbour_isAWholeNumberOfQueriesAndRepeats() throws Exception {
    double top1 = KotlinDownstream.INSTANCE.knnTop1(encoder, data, 1);
    // 64 queries: the accuracy is a whole number of them
    assertThat(top1 * 64).isCloseTo(Math.rint(top1 * 64), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(top1).isBetween(0.0, 1.0);
    assertThat(KotlinDownstream.INSTANCE.knnTop1(encoder, data, 1)).isEqualTo(top1);
  }
}

package io.github.mae4j.torch.downstream.linprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import io.github.mae4j.torch.run.TrainingDivergedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearProbeResumeTest {
  @TempDir Path dir;

  private static final class Stop extends RuntimeException {}

  private static final LinearProbeRecipe RECIPE = LinearProbeRecipe.builder()
      .model(MaeConfig.tiny()).normalization(Normalization.identity(3)).numClasses(3)
      .epochs(3).warmupEpochs(1).effectiveBatchSize(64).batchSizePerStep(64).baseLearningRate(4.0).build();

  private static Map<String, float[]> values(LinearProbe p) {
    Map<String, float[]> out = new LinkedHashMap<>();
    p.namedTensors().forEach((k, v) -> out.put(k, Tensors.toFloatArray(v.to(org.bytedeco.pytorch.global.torch
        .ScalarType.Float))));
    return out;
  }

  @Test
  void train_stoppedAfterOneEpochThenResumed_endsWithTheUninterruptedProbe() throws IOException {
    Tensor[] train = LinearProbeTest.blobs(300, 1);
    Tensor[] test = LinearProbeTest.blobs(90, 2);
    RunResult a;
    Map<String, float[]> whole;
    try (LinearProbe p = new LinearProbe(8, 3, true, 0)) {
      a = p.train(RECIPE, train[0], train[1], test[0], test[1], e -> {}, RunDirectory.create(dir.resolve("a"),
          Map.of()));
      whole = values(p);
    }
    Path b = dir.resolve("b");
    try (LinearProbe p = new LinearProbe(8, 3, true, 0)) {
      assertThatThrownBy(() -> p.train(RECIPE, train[0], train[1], test[0], test[1], e -> {
        throw new Stop();
      }, RunDirectory.create(b, Map.of()))).isInstanceOf(Stop.class);
    }
    DownstreamCheckpoint c = RunDirectory.read(b);
    assertThat(c.kind()).isEqualTo(DownstreamCheckpoint.LINPROBE);
    assertThat(c.extra().keySet()).containsExactly("momentum.head.1.weight", "momentum.head.1.bias");
    assertThat(c.model().keySet()).contains("head.0.running_mean", "head.0.running_var", "head.1.weight");
    RunResult r;
    Map<String, float[]> resumed;
    try (LinearProbe p = new LinearProbe(8, 3, true, 99)) {
      r = p.train(RECIPE, train[0], train[1], test[0], test[1], e -> {}, RunDirectory.resume(b));
      resumed = values(p);
    }
    assertThat(resumed.keySet()).containsExactlyElementsOf(whole.keySet());
    whole.forEach((k, v) -> assertThat(resumed.get(k)).as(k).containsExactly(v));
    assertThat(r.top1()).isEqualTo(a.top1());
    for (int i = 0; i < 3; i++) {
      assertThat(r.epochs().get(i).trainLoss()).isEqualTo(a.epochs().get(i).trainLoss());
      assertThat(r.epochs().get(i).testTop1()).isEqualTo(a.epochs().get(i).testTop1());
    }
    // 300 features in batches of 64: 4 steps an epoch; each epoch line carries its test accuracy
    assertThat(MetricsLog.read(b.resolve(RunDirectory.METRICS))).extracting(MetricsRecord::iter)
        .containsExactly(3L, 7L, 11L);
    assertThat(MetricsLog.read(b.resolve(RunDirectory.METRICS))).extracting(MetricsRecord::testTop1)
        .containsExactly(a.epochs().get(0).testTop1(), a.epochs().get(1).testTop1(), a.epochs().get(2).testTop1());
  }

  @Test
  void train_resumeIntoAnotherShapeOrKind_throwsIllegalArgument() throws IOException {
    Tensor[] train = LinearProbeTest.blobs(64, 3);
    LinearProbeRecipe one = RECIPE.toBuilder().epochs(1).warmupEpochs(0).build();
    try (LinearProbe p = new LinearProbe(8, 3, true, 0)) {
      p.train(one, train[0], train[1], train[0], train[1], e -> {}, RunDirectory.create(dir, Map.of()));
    }
    Tensor[] wide = {train[0].repeat(1, 2), train[1]};
    try (LinearProbe p = new LinearProbe(16, 3, true, 0)) {
      assertThatThrownBy(() -> p.train(one, wide[0], wide[1], wide[0], wide[1], e -> {}, RunDirectory.resume(dir)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("head.1.weight")
          .hasMessageContaining("[3, 8]").hasMessageContaining("[3, 16]");
    }
    try (var m = new io.github.mae4j.torch.downstream.vit.VitClassifier(MaeConfig.tiny(), 3,
        io.github.mae4j.torch.downstream.vit.Pooling.AVERAGE, 0, 0)) {
      var ft = io.github.mae4j.api.recipe.FinetuneRecipe.builder().model(MaeConfig.tiny()).numClasses(3)
          .normalization(Normalization.identity(3)).epochs(1).warmupEpochs(0).effectiveBatchSize(2)
          .batchSizePerStep(2).build();
      var images = new io.github.mae4j.torch.downstream.LabeledImages(Tensors.zeros(2, 3, 32, 32),
          Tensors.longs(new long[] {0, 1}, 2));
      assertThatThrownBy(() -> io.github.mae4j.torch.downstream.finetune.Finetuner.run(m, ft, images, images,
          java.util.OptionalDouble.empty(), false, e -> {}, RunDirectory.resume(dir)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a linprobe checkpoint");
    }
  }

  @Test
  void train_nonFiniteFeaturesAfterACheckpoint_stopsAndKeepsTheCheckpoint() throws IOException {
    Tensor[] train = LinearProbeTest.blobs(128, 4);
    try (LinearProbe p = new LinearProbe(8, 3, true, 0)) {
      assertThatThrownBy(() -> p.train(RECIPE, train[0], train[1], train[0], train[1], e -> {
        throw new Stop();
      }, RunDirectory.create(dir, Map.of()))).isInstanceOf(Stop.class);
    }
    byte[] before = Files.readAllBytes(dir.resolve("checkpoint-last.ckpt"));
    Tensor poisoned = train[0].clone();
    poisoned.select(0, 7).fill_(new Scalar(Double.POSITIVE_INFINITY));
    try (LinearProbe p = new LinearProbe(8, 3, true, 0)) {
      assertThatThrownBy(() -> p.train(RECIPE, poisoned, train[1], train[0], train[1], e -> {},
          RunDirectory.resume(dir)))
          .isInstanceOf(TrainingDivergedException.class).hasMessageContaining("epoch 2")
          .hasMessageContaining("checkpoint-last.ckpt");
    }
    assertThat(Files.readAllBytes(dir.resolve("checkpoint-last.ckpt"))).isEqualTo(before);
  }
}

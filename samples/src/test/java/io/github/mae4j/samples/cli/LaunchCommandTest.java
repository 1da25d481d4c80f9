package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import io.github.mae4j.torch.run.TensorData;
import io.github.mae4j.torch.train.CheckpointFile;
import io.github.mae4j.torch.train.TrainingCheckpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mae launch} with real processes on 127.0.0.1: 2 processes × batch B/2 train exactly as 1 process × batch B
 * (same per-iteration losses, same final weights), whether gradients go through c10d's Reducer or the flat
 * allreduce, over a TCP store or a rendezvous file.
 */
class LaunchCommandTest {
  @TempDir static Path dir;

  /** The reference: 1 process, batch 16, 30 iterations, k-NN accuracy after each epoch. */
  static Path one;

  /** k-NN monitoring after each epoch, small enough to cost little. */
  static final String[] KNN = {"--knn-every", "1", "--knn-bank", "36", "--knn-queries", "12", "--knn-k", "5"};

  @BeforeAll
  static void trainOneProcess() throws IOException {
    one = dir.resolve("one");
    // k-NN monitoring draws from no generator: the losses are those of an unmonitored run
    assertThat(launch(1, one, withKnn())).isZero();
  }

  static String[] withKnn(String... before) {
    List<String> a = new ArrayList<>(List.of(before));
    a.add("--");
    a.addAll(List.of(KNN));
    return a.toArray(new String[0]);
  }

  static List<Double> knnTop1(Path runDir) throws IOException {
    return MetricsLog.read(runDir.resolve("metrics.jsonl")).stream().filter(r -> !r.isIteration())
        .map(MetricsRecord::knnTop1).toList();
  }

  /** A tiny recipe: 240 images per epoch in batches of 16, 2 epochs = 30 iterations. */
  static Path tinyRecipe(Path dir) throws IOException {
    PretrainRecipe tiny = PretrainRecipe.builder().name("dist-tiny").dataset("synthetic")
        .model(MaeConfig.builder().imageSize(16).patchSize(4)
            .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
            .build())
        .epochs(2).warmupEpochs(1).imagesPerEpoch(240).effectiveBatchSize(16).batchSizePerStep(16)
        .baseLearningRate(1e-2).augmentation(Augmentation.none()).normalization(Normalization.imagenet()).build();
    Path recipe = dir.resolve("tiny.json");
    Files.writeString(recipe, RecipeIo.toJson(tiny));
    return recipe;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static int launch(int nproc, Path out, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("launch", "--nproc-per-node", String.valueOf(nproc),
        "--master-port", String.valueOf(freePort())));
    int dash = List.of(extra).indexOf("--");
    args.addAll(List.of(extra).subList(0, dash < 0 ? extra.length : dash));
    args.addAll(List.of("--", "pretrain", tinyRecipe(dir).toString(), "--out", out.toString(), "--log-every", "1",
        "--workers", "1"));
    if (dash >= 0) {
      args.addAll(List.of(extra).subList(dash + 1, extra.length));
    }
    return new CliHarness().run(args.toArray(new String[0]));
  }

  static List<Double> losses(Path runDir) throws IOException {
    return MetricsLog.read(runDir.resolve("metrics.jsonl")).stream().filter(MetricsRecord::isIteration)
        .map(MetricsRecord::loss).toList();
  }

  static float[] floats(TensorData t) {
    ByteBuffer b = ByteBuffer.wrap(t.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[t.bytes().length / 4];
    b.asFloatBuffer().get(f);
    return f;
  }

  /** max |a − b| per weight tensor. */
  static Map<String, Double> diffs(Path a, Path b) throws IOException {
    TrainingCheckpoint ca = CheckpointFile.read(a);
    TrainingCheckpoint cb = CheckpointFile.read(b);
    assertThat(cb.model().keySet()).isEqualTo(ca.model().keySet());
    Map<String, Double> out = new java.util.TreeMap<>();
    for (Map.Entry<String, TensorData> e : ca.model().entrySet()) {
      float[] x = floats(e.getValue());
      float[] y = floats(cb.model().get(e.getKey()));
      // the key third of a qkv bias has a true gradient of exactly 0 (softmax ignores a shift shared by all keys):
      // its gradient is float rounding noise, which AdamW turns into steps of up to ±lr whatever the noise's size,
      // so it is compared on its own
      boolean qkvBias = e.getKey().endsWith("attn.qkv.bias");
      double diff = 0;
      double keyDiff = 0;
      for (int i = 0; i < x.length; i++) {
        double d = Math.abs(x[i] - y[i]);
        if (qkvBias && i >= x.length / 3 && i < 2 * x.length / 3) {
          keyDiff = Math.max(keyDiff, d);
        } else {
          diff = Math.max(diff, d);
        }
      }
      out.put(e.getKey(), diff);
      if (qkvBias) {
        out.put(e.getKey() + "[key third]", keyDiff);
      }
    }
    return out;
  }

  /** max |a| over every weight. */
  static double maxAbs(Path a) throws IOException {
    double max = 0;
    for (TensorData t : CheckpointFile.read(a).model().values()) {
      for (float v : floats(t)) {
        max = Math.max(max, Math.abs(v));
      }
    }
    return max;
  }

  static void assertSameRun(Path one, Path two) throws IOException {
    List<Double> l1 = losses(one);
    List<Double> l2 = losses(two);
    assertThat(l1).hasSize(30);
    assertThat(l2).hasSize(30);
    for (int i = 0; i < l1.size(); i++) {
      assertThat(l2.get(i)).as("loss of iteration %d", i).isCloseTo(l1.get(i), within(1e-5 * Math.abs(l1.get(i))));
    }
    Map<String, Double> d = diffs(one.resolve("checkpoint-final.ckpt"), two.resolve("checkpoint-final.ckpt"));
    double max = maxAbs(one.resolve("checkpoint-final.ckpt"));
    assertThat(d).as("max |Δw| per tensor (max |w| %s)", max).allSatisfy((k, v) -> assertThat(v).as(k)
        .isLessThanOrEqualTo(k.endsWith("[key third]") ? 30 * 1e-2 * 16 / 256 : 1e-5 * max));
  }

  @Test
  void twoProcesses_trainAsOneProcessWithTheWholeBatch_reducerOverTcpStore_flatOverFileStore() throws IOException {
    Path two = dir.resolve("two");
    Path flat = dir.resolve("flat");
    // with k-NN monitoring between epochs, which must not change the losses: each rank encodes half of the bank and
    // queries, the features are gathered, and the accuracy is the one process's
    assertThat(launch(2, two, withKnn())).isZero();
    assertThat(knnTop1(one)).hasSize(2).allSatisfy(a -> assertThat(a).isNotNull().isBetween(0.0, 1.0));
    assertThat(knnTop1(two)).isEqualTo(knnTop1(one));
    assertThat(launch(2, flat, "--grad-sync", "flat", "--rdzv-file", dir.resolve("rdzv").toString())).isZero();
    assertSameRun(one, two);
    assertSameRun(one, flat);
    assertThat(two.resolve("mae-final.pth")).exists();
    assertThat(two.resolve("reconstruction.png")).exists();
  }

  @Test
  void checkpointOfTwoProcesses_resumesOnOne_withTheLossesOfAnUninterruptedRun() throws IOException {
    Path run = dir.resolve("stopped");
    assertThat(launch(2, run, "--", "--max-steps", "12")).isZero();
    assertThat(CheckpointFile.read(run.resolve("checkpoint-last.ckpt")).iteration()).isEqualTo(12);
    assertThat(new CliHarness().run("launch", "--nproc-per-node", "1", "--master-port", String.valueOf(freePort()),
        "--", "resume", run.toString(), "--workers", "1")).isZero();
    assertSameRun(one, run);
  }
}

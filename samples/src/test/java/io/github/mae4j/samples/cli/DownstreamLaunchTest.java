package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import io.github.mae4j.torch.run.TensorData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mae launch --nproc-per-node 2 -- finetune|linprobe …} with real processes on 127.0.0.1, on a few
 * Fashion-MNIST images: the run of 2 processes (each half of every batch) records the epoch losses, test top-1 and
 * final weights of the run of 1 process; rank 0 alone writes the run directory.
 */
class DownstreamLaunchTest {
  @TempDir Path dir;

  static int launch(int nproc, String verb, Path out, String... args) throws IOException {
    List<String> a = new ArrayList<>(List.of("launch", "--nproc-per-node", String.valueOf(nproc), "--master-port",
        String.valueOf(LaunchCommandTest.freePort()), "--", verb, "--output", out.toString()));
    a.addAll(List.of(args));
    return new CliHarness().run(a.toArray(new String[0]));
  }

  static void assertSameRun(Path one, Path two, double keyThirdBound) throws IOException {
    List<MetricsRecord> m1 = MetricsLog.read(one.resolve("metrics.jsonl"));
    List<MetricsRecord> m2 = MetricsLog.read(two.resolve("metrics.jsonl"));
    assertThat(m2).hasSameSizeAs(m1).isNotEmpty();
    for (int i = 0; i < m1.size(); i++) {
      assertThat(m2.get(i).loss()).as("loss of epoch %d", i + 1)
          .isCloseTo(m1.get(i).loss(), within(1e-5 * Math.abs(m1.get(i).loss())));
      assertThat(m2.get(i).testTop1()).as("test top-1 of epoch %d", i + 1).isEqualTo(m1.get(i).testTop1());
    }
    DownstreamCheckpoint c1 = RunDirectory.read(one);
    DownstreamCheckpoint c2 = RunDirectory.read(two);
    assertThat(c2.model().keySet()).isEqualTo(c1.model().keySet());
    double max = 0;
    for (TensorData t : c1.model().values()) {
      for (float v : LaunchCommandTest.floats(t)) {
        max = Math.max(max, Math.abs(v));
      }
    }
    for (Map.Entry<String, TensorData> e : c1.model().entrySet()) {
      float[] x = LaunchCommandTest.floats(e.getValue());
      float[] y = LaunchCommandTest.floats(c2.model().get(e.getKey()));
      boolean qkvBias = e.getKey().endsWith("attn.qkv.bias");
      for (int i = 0; i < x.length; i++) {
        // the key third of a qkv bias has a true gradient of 0: AdamW turns its rounding noise into steps of ±lr
        boolean key = qkvBias && i >= x.length / 3 && i < 2 * x.length / 3;
        assertThat((double) Math.abs(x[i] - y[i])).as("%s[%d] (max |w| %s)", e.getKey(), i, max)
            .isLessThanOrEqualTo(key ? keyThirdBound : 1e-5 * max);
      }
    }
  }

  @Test
  void finetune_twoProcesses_recordTheRunOfOne() throws IOException {
    String[] args = {"--epochs", "1", "--train-limit", "256", "--test-limit", "60"};
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    assertThat(launch(1, "finetune", one, args)).isZero();
    assertThat(launch(2, "finetune", two, args)).isZero();
    // the recipe's peak lr 1e-3 per AdamW update, 2 updates
    assertSameRun(one, two, 2 * 1e-3);
    assertThat(RunDirectory.read(two).epochsDone()).isEqualTo(1);
  }

  @Test
  void linprobe_twoProcesses_recordTheRunOfOne() throws IOException {
    String[] args = {"--epochs", "2", "--train-limit", "512", "--test-limit", "60"};
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    assertThat(launch(1, "linprobe", one, args)).isZero();
    assertThat(launch(2, "linprobe", two, args)).isZero();
    assertSameRun(one, two, 0);
    assertThat(RunDirectory.read(two).model()).containsKeys("head.0.running_mean", "head.0.running_var");
  }
}

package io.github.mae4j.torch.downstream.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.io.pth.PythonTorch;
import io.github.mae4j.torch.run.TensorData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownstreamCheckpointFileTest {
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  private static TensorData floats(long[] shape, float... v) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return new TensorData("Float", shape, b.array());
  }

  private static DownstreamCheckpoint sample() {
    Map<String, TensorData> model = new LinkedHashMap<>();
    model.put("head.weight", floats(new long[] {2, 2}, 1, 2, 3, 4));
    model.put("head.bias", floats(new long[] {2}, -1, 0.5f));
    return new DownstreamCheckpoint(DownstreamCheckpoint.FINETUNE, 2, "{\"kind\":\"finetune\",\"epochs\":3}",
        Map.of("ema_decay", "none"), Map.of("train_limit", "128"),
        List.of(new EpochStats(1, 0.9, 1e-3, 2.5, Double.NaN), new EpochStats(2, 0.7, 5e-4, 2.4, 0.75)),
        List.of("head.weight", "head.bias"), model, new byte[] {7, 8, 9},
        Map.of("ema.head.bias", floats(new long[] {2}, 0.25f, 0.125f)), Map.of("mae4j", "test"));
  }

  @Test
  void writeRead_roundTripsEveryPart() throws IOException {
    Path f = dir.resolve("c.ckpt");
    DownstreamCheckpointFile.write(sample(), f);
    DownstreamCheckpoint c = DownstreamCheckpointFile.read(f);
    DownstreamCheckpoint s = sample();
    assertThat(c.kind()).isEqualTo("finetune");
    assertThat(c.epochsDone()).isEqualTo(2);
    assertThat(c.recipeJson()).contains("\"epochs\"").contains("3");
    assertThat(c.identity()).isEqualTo(s.identity());
    assertThat(c.settings()).isEqualTo(s.settings());
    assertThat(c.stats()).hasSize(2);
    assertThat(c.stats().get(0).testTop1()).isNaN();
    assertThat(c.stats().get(1)).isEqualTo(s.stats().get(1));
    assertThat(c.trainable()).containsExactly("head.weight", "head.bias");
    assertThat(c.model()).isEqualTo(s.model());
    assertThat(c.model().keySet()).containsExactly("head.weight", "head.bias");
    assertThat(c.optimizer()).containsExactly(7, 8, 9);
    assertThat(c.extra()).isEqualTo(s.extra());
  }

  @Test
  void read_truncatedOrForeignFile_throwsIoExceptionNamingTheFile() throws IOException {
    Path f = dir.resolve("c.ckpt");
    DownstreamCheckpointFile.write(sample(), f);
    byte[] all = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.ckpt");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
    assertThatThrownBy(() -> DownstreamCheckpointFile.read(cut))
        .isInstanceOf(IOException.class).hasMessageContaining("cut.ckpt");
    Path text = Files.writeString(dir.resolve("t.ckpt"), "not a zip");
    assertThatThrownBy(() -> DownstreamCheckpointFile.read(text))
        .isInstanceOf(IOException.class).hasMessageContaining("t.ckpt");
  }

  @Test
  void write_openedByPyTorch_givesTheStateDictAndMeta() throws Exception {
    var python = PythonTorch.interpreter();
    Assumptions.assumeTrue(python.isPresent(), "no python with torch");
    Path f = dir.resolve("c.ckpt");
    DownstreamCheckpointFile.write(sample(), f);
    String script = "import json, sys, torch\n"
        + "c = torch.load(sys.argv[1], weights_only=True)\n"
        + "m = json.loads(c['meta'])\n"
        + "print(json.dumps({'keys': list(c['model'].keys()), 'w': c['model']['head.weight'].tolist(),"
        + " 'ema': c['extra']['ema.head.bias'].tolist(), 'epochs': m['epochs_done'], 'kind': c['kind']}))\n";
    Process p = new ProcessBuilder(python.get(), "-c", script, f.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(0);
    assertThat(out.strip()).isEqualTo("{\"keys\": [\"head.weight\", \"head.bias\"], \"w\": [[1.0, 2.0], [3.0, 4.0]],"
        + " \"ema\": [0.25, 0.125], \"epochs\": 2, \"kind\": \"finetune\"}");
  }
}

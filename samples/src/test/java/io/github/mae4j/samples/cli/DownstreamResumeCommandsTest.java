package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.run.MetricsLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mae finetune|linprobe --output/--resume} on a few Fashion-MNIST images, and their bad-input answers. */
class DownstreamResumeCommandsTest {
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @TempDir Path dir;

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = MaeCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /** One error line, no stack trace. */
  private void assertOneErrorLine(String... parts) {
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).contains(parts).doesNotContain("\tat ", "Exception in");
  }

  @Test
  void finetune_outputThenResumeOfTheFinishedRun_reportsTheSameAccuracy() throws Exception {
    Path ft = dir.resolve("ft");
    assertThat(run("finetune", "--epochs", "1", "--train-limit", "128", "--test-limit", "64", "--json",
        "--output", ft.toString())).as(err.toString()).isEqualTo(0);
    String first = out.toString().strip();
    DownstreamCheckpoint c = RunDirectory.read(ft);
    assertThat(c.kind()).isEqualTo("finetune");
    assertThat(c.epochsDone()).isEqualTo(1);
    assertThat(c.settings()).containsEntry("train_limit", "128").containsEntry("test_limit", "64");
    assertThat(MetricsLog.read(ft.resolve("metrics.jsonl"))).hasSize(1);
    // nothing is left to train: the resumed run restores the weights and evaluates the same 64 images
    assertThat(run("finetune", "--json", "--resume", ft.toString())).as(err.toString()).isEqualTo(0);
    String again = out.toString().strip();
    assertThat(again.substring(0, again.indexOf("\"seconds\""))).isEqualTo(first.substring(0, first.indexOf("\"seconds\"")));

    // a fine-tuning directory is not a linear-probe run; --output does not overwrite it; --resume keeps its options
    assertThat(run("linprobe", "--resume", ft.toString())).isEqualTo(2);
    assertOneErrorLine("holds a finetune run");
    assertThat(run("finetune", "--epochs", "1", "--output", ft.toString())).isEqualTo(2);
    assertOneErrorLine("already holds a checkpoint");
    assertThat(run("finetune", "--resume", ft.toString(), "--epochs", "3")).isEqualTo(2);
    assertOneErrorLine("drop --epochs");
    // the data come from the checkpoint too
    assertThat(run("finetune", "--resume", ft.toString(), "--train-dir", ft.toString())).isEqualTo(2);
    assertOneErrorLine("drop --train-dir");
  }

  @Test
  void linprobe_outputThenResume_writesCheckpointAndMetrics() throws Exception {
    Path lp = dir.resolve("lp");
    assertThat(run("linprobe", "--epochs", "2", "--train-limit", "256", "--test-limit", "64", "--json",
        "--output", lp.toString())).as(err.toString()).isEqualTo(0);
    String first = out.toString().strip();
    assertThat(RunDirectory.read(lp).epochsDone()).isEqualTo(2);
    assertThat(RunDirectory.read(lp).extra()).containsKeys("momentum.head.1.weight", "momentum.head.1.bias");
    assertThat(MetricsLog.read(lp.resolve("metrics.jsonl"))).hasSize(2);
    assertThat(run("linprobe", "--json", "--resume", lp.toString())).as(err.toString()).isEqualTo(0);
    String again = out.toString().strip();
    assertThat(again.substring(0, again.indexOf("\"seconds\""))).isEqualTo(first.substring(0, first.indexOf("\"seconds\"")));
  }

  @Test
  void help_finetuneAndLinprobe_listOutputAndResume() {
    for (String verb : new String[] {"finetune", "linprobe"}) {
      assertThat(run(verb, "--help")).isEqualTo(0);
      assertThat(out.toString()).contains("--output=DIR", "--resume=DIR");
    }
  }

  @Test
  void resume_missingOrCorruptDirectory_exitsNonZeroWithOneLine() throws Exception {
    assertThat(run("finetune", "--resume", dir.resolve("nope").toString())).isEqualTo(1);
    assertOneErrorLine("no run directory", "nope");
    Path bad = Files.createDirectories(dir.resolve("bad"));
    Files.write(bad.resolve("checkpoint-last.ckpt"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
    assertThat(run("linprobe", "--resume", bad.toString())).isEqualTo(1);
    assertOneErrorLine("checkpoint-last.ckpt");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThat(run("finetune", "--resume", empty.toString())).isEqualTo(1);
    assertOneErrorLine("holds no checkpoint");
  }
}

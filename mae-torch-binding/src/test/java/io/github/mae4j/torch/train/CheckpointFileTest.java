package io.github.mae4j.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.run.AtomicFiles;
import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.run.TensorData;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
  @TempDir Path dir;

  static TrainingCheckpoint checkpoint(long iteration, byte fill) {
    byte[] w = new byte[4 * 6];
    java.util.Arrays.fill(w, fill);
    return new TrainingCheckpoint(1, 2, iteration, iteration / 2, 3.5, 2, 0.25,
        Map.of("w", new TensorData("Float", new long[] {2, 3}, w)), new byte[] {1, 2, 3}, new byte[] {9, 8},
        1.0, 0, "{\"name\":\"toy\"}", "{\"device\":\"cpu\"}", Map.of("mae4j", "dev"));
  }

  /** Throws after {@code limit} bytes, as a full disk or a killed process would. */
  static final class FailingStream extends FilterOutputStream {
    private long left;

    FailingStream(OutputStream out, long limit) {
      super(out);
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (left-- <= 0) {
        throw new IOException("disk full (simulated)");
      }
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int i = 0; i < len; i++) {
        write(b[off + i]);
      }
    }
  }

  @Test
  void read_afterWrite_returnsEveryField() throws IOException {
    Path p = dir.resolve("c.ckpt");
    TrainingCheckpoint c = checkpoint(10, (byte) 7);
    CheckpointFile.write(c, p);
    TrainingCheckpoint back = CheckpointFile.read(p);
    assertThat(back.iteration()).isEqualTo(10);
    assertThat(back.epoch()).isEqualTo(1);
    assertThat(back.batchInEpoch()).isEqualTo(2);
    assertThat(back.optimizerSteps()).isEqualTo(5);
    assertThat(back.epochLossSum()).isEqualTo(3.5);
    assertThat(back.lastLoss()).isEqualTo(0.25);
    assertThat(back.model()).isEqualTo(c.model());
    assertThat(back.optimizer()).containsExactly(1, 2, 3);
    assertThat(back.generator()).containsExactly(9, 8);
    assertThat(back.recipeJson()).contains("\"toy\"");
    assertThat(back.provenance()).containsEntry("mae4j", "dev");
  }

  @Test
  void write_streamFailsMidWrite_previousCheckpointStaysIntactAndNoTempFileRemains() throws IOException {
    Path p = dir.resolve("checkpoint-last.ckpt");
    CheckpointFile.write(checkpoint(10, (byte) 7), p);
    byte[] before = Files.readAllBytes(p);

    TrainingCheckpoint next = checkpoint(20, (byte) 9);
    assertThatThrownBy(() -> AtomicFiles.write(p, out -> CheckpointFile.write(next, out),
        out -> new FailingStream(out, 100)))
        .isInstanceOf(IOException.class).hasMessageContaining("disk full");

    assertThat(Files.readAllBytes(p)).isEqualTo(before);
    assertThat(CheckpointFile.read(p).iteration()).isEqualTo(10);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(p);
    }
  }

  @Test
  void read_truncatedFile_failsNamingTheFile() throws IOException {
    Path p = dir.resolve("c.ckpt");
    CheckpointFile.write(checkpoint(10, (byte) 7), p);
    byte[] all = Files.readAllBytes(p);
    Path cut = dir.resolve("cut.ckpt");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
    assertThatThrownBy(() -> CheckpointFile.read(cut)).isInstanceOf(IOException.class)
        .hasMessageContaining(cut.toString());
  }

  @Test
  void resolve_runDirectory_findsLastCheckpoint() throws IOException {
    CheckpointStore store = new CheckpointStore(dir);
    CheckpointFile.write(checkpoint(10, (byte) 1), store.last());
    assertThat(CheckpointStore.resolve(dir)).isEqualTo(store.last());
    assertThat(CheckpointStore.resolve(store.last())).isEqualTo(store.last());
    assertThatThrownBy(() -> CheckpointStore.resolve(dir.resolve("nothing"))).isInstanceOf(IOException.class)
        .hasMessageContaining("nothing");
  }
}

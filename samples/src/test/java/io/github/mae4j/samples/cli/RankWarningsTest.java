package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.data.SkipMessages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Ranks other than 0 of a downstream job print the skip lines of their own data, and nothing else. */
class RankWarningsTest {
  @Test
  void logWarnings_printsSkipLinesOnly() {
    PrintStream before = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      String skip = SkipMessages.line("/data/train/cat/7.jpg", new IOException("truncated JPEG (no EOI marker)"));
      DownstreamOptions.logWarnings("found 100 images of 2 classes in /data/train (read batch by batch)");
      DownstreamOptions.logWarnings(skip);
      DownstreamOptions.logWarnings("loaded 152 encoder tensors from run/checkpoint-last.ckpt");
    } finally {
      System.setErr(before);
    }
    assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "skipped unreadable image /data/train/cat/7.jpg: truncated JPEG (no EOI marker)");
  }
}

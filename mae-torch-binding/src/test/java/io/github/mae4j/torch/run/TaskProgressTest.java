package io.github.mae4j.torch.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TaskProgressTest {
  @Test
  void line_knownTotal_showsCountPercentRateAndEta() {
    TaskProgress p = new TaskProgress(System.err, "writing shards", "images", false, 10);
    assertThat(p.line(250, 1000, 5)).isEqualTo("writing shards 250/1000 (25%)  50.0 images/s  elapsed 0:05  eta 0:15");
    assertThat(p.line(0, 1000, 1)).endsWith("eta --:--");
    assertThat(p.line(40, 0, 4)).isEqualTo("writing shards 40  10.0 images/s  elapsed 0:04");
  }

  @Test
  void update_plain_printsTheFirstAndTheLastLineButNotEveryCall() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TaskProgress p = new TaskProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "stats", "images", false,
        3600);
    for (int i = 0; i <= 100; i++) {
      p.update(i, 100);
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith("stats 0/100 (0%)");
    assertThat(lines[1]).startsWith("stats 100/100 (100%)").contains("eta 0:00");
  }
}

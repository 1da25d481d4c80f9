package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MaeCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = MaeCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void unknownVerb_exitsWithUsageCode2() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument", "frobnicate");
  }

  @Test
  void noVerb_exitsWithUsageCode2() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("missing verb");
  }

  @Test
  void help_listsVerbs_exits0() {
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out.toString()).contains("Usage: mae", "info");
  }

  @Test
  void infoHelp_exits0() {
    assertThat(run("info", "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("--json");
  }
}

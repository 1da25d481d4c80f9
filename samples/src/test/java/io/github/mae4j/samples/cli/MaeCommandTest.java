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

  @Test
  void recipesTable_listsEveryRecipeWithItsNumbers() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(bytes, true));
    try {
      assertThat(run("recipes")).isEqualTo(0);
    } finally {
      System.setOut(old);
    }
    String table = bytes.toString();
    for (String name : io.github.mae4j.recipes.Recipes.all().keySet()) {
      assertThat(table).contains(name);
    }
    assertThat(table).containsPattern("vit-l16-pretrain\\s+pretrain\\s+1024x24/16 @224\\s+800\\s+40\\s+4096\\s+0.000150\\s+0.00240");
  }

  @Test
  void recipesUnknownName_exits2WithValidNames() {
    assertThat(run("recipes", "vit-z99")).isEqualTo(2);
    assertThat(err.toString()).contains("vit-z99", "vit-b16-pretrain");
  }
}

package io.github.mae4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer on the module path: a named module that {@code requires io.github.mae4j.torch} and
 * {@code io.github.mae4j.recipes} compiles against the exported packages alone, cannot compile against an
 * {@code internal} one, and runs a forward of a tiny model with libtorch's natives loaded from the module graph.
 */
class ModulePathTest {
  @TempDir Path dir;

  private static final String MODULE_INFO = """
      module smoke {
        requires io.github.mae4j.torch;
        requires io.github.mae4j.recipes;
      }
      """;

  private static final String MAIN = """
      package smoke;

      import io.github.mae4j.api.MaeConfig;
      import io.github.mae4j.recipes.Recipes;
      import io.github.mae4j.torch.Torch;
      import io.github.mae4j.torch.nn.MaeOutput;
      import io.github.mae4j.torch.nn.MaskedAutoencoder;
      import org.bytedeco.javacpp.PointerScope;
      import org.bytedeco.pytorch.global.torch;

      public final class Main {
        public static void main(String[] args) {
          Torch.load();
          try (PointerScope scope = new PointerScope();
              MaskedAutoencoder model = MaskedAutoencoder.create(MaeConfig.tiny(), 0)) {
            MaeOutput out = model.forward(torch.randn(2, 3, 32, 32), 7L);
            System.out.println("loss " + out.loss().item_float());
          }
          System.out.println("recipe epochs " + Recipes.vitL16Pretrain().getEpochs());
          System.out.println("modules " + Main.class.getModule().getName() + " "
              + MaskedAutoencoder.class.getModule().getName() + " " + Recipes.class.getModule().getName());
        }
      }
      """;

  /** The test's class path minus what is not a library module or its dependency (tests, samples, build tools). */
  private static String modulePath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains("test-classes") && !e.contains("/samples/target/classes"))
        .filter(e -> !e.contains("junit") && !e.contains("assertj") && !e.contains("opentest4j")
            && !e.contains("apiguardian") && !e.contains("kotlin") && !e.contains("byte-buddy")
            && !e.contains("surefire"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static int javac(List<String> args, StringWriter err) {
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    // in-process javac falls back to this JVM's java.class.path (surefire's) without an explicit class path,
    // which would make every jar readable from the unnamed module: give it an empty one
    List<String> all = new ArrayList<>(List.of("--class-path", System.getProperty("java.io.tmpdir")));
    all.addAll(args);
    return javac.run(new PrintWriter(err), new PrintWriter(err), all.toArray(String[]::new));
  }

  private Path writeSources(String main) throws IOException {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("smoke"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("smoke/Main.java"), main);
    return src;
  }

  @Test
  void namedConsumerModule_compilesAndRunsAForward() throws Exception {
    Path src = writeSources(MAIN);
    Path out = dir.resolve("out");
    StringWriter err = new StringWriter();
    int rc = javac(List.of("--module-path", modulePath(), "-d", out.toString(),
        src.resolve("module-info.java").toString(), src.resolve("smoke/Main.java").toString()), err);
    assertThat(rc).as("javac on the module path: %s", err).isZero();

    String natives = "org.bytedeco.pytorch.linux.x86_64,org.bytedeco.openblas.linux.x86_64,"
        + "org.bytedeco.javacpp.linux.x86_64";
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", out + File.pathSeparator + modulePath(),
        "--add-modules", natives,
        "--enable-native-access=org.bytedeco.javacpp,io.github.mae4j.torch",
        "-m", "smoke/smoke.Main"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).as("finished within 120 s: %s", output).isTrue();
    assertThat(p.exitValue()).as("exit code; output:%n%s", output).isZero();
    assertThat(output).contains("modules smoke io.github.mae4j.torch io.github.mae4j.recipes")
        .contains("recipe epochs 800");
    String loss = output.lines().filter(l -> l.startsWith("loss ")).findFirst().orElseThrow().substring(5);
    assertThat(Double.parseDouble(loss)).isFinite().isPositive();
  }

  @Test
  void internalPackages_areNotReadableFromAConsumerModule() throws Exception {
    Path src = writeSources("""
        package smoke;
        public final class Main {
          public static void main(String[] args) {
            System.out.println(io.github.mae4j.torch.internal.NonFinite.class);
          }
        }
        """);
    StringWriter err = new StringWriter();
    int rc = javac(List.of("--module-path", modulePath(), "-d", dir.resolve("out").toString(),
        src.resolve("module-info.java").toString(), src.resolve("smoke/Main.java").toString()), err);
    assertThat(rc).isNotZero();
    assertThat(err.toString()).contains("package io.github.mae4j.torch.internal is not visible")
        .contains("declared in module io.github.mae4j.torch, which does not export it");
  }
}

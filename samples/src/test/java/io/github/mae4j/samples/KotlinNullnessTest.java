package io.github.mae4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jetbrains.kotlin.cli.common.ExitCode;
import org.jetbrains.kotlin.cli.jvm.K2JVMCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mae4j's JSpecify annotations make nullness mistakes in Kotlin compile errors, not runtime failures. */
class KotlinNullnessTest {
  @TempDir Path dir;

  @Test
  void kotlin_passingNullableEncoder_failsCompilation() throws IOException {
    Result r = compile("""
        import io.github.mae4j.api.*
        fun f(spec: EncoderSpec?): MaeConfig = MaeConfig.builder().encoder(spec).build()
        """);
    assertThat(r.exit).isEqualTo(ExitCode.COMPILATION_ERROR);
    assertThat(r.output).contains("EncoderSpec?");
  }

  @Test
  void kotlin_nonNullEncoder_compiles() throws IOException {
    Result r = compile("""
        import io.github.mae4j.api.*
        fun f(spec: EncoderSpec): MaeConfig = MaeConfig.builder().encoder(spec).maskRatio(0.9).build()
        val depth: Int = MaeConfig.vitL16().encoder.depth
        """);
    assertThat(r.exit).as(r.output).isEqualTo(ExitCode.OK);
  }

  private record Result(ExitCode exit, String output) {}

  private Result compile(String source) throws IOException {
    Path src = dir.resolve("Snippet.kt");
    Files.writeString(src, source);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExitCode exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      exit = new K2JVMCompiler().exec(out,
          "-no-reflect", "-no-stdlib",
          "-classpath", System.getProperty("java.class.path"),
          "-jvm-target", "25",
          "-Xjspecify-annotations=strict",
          "-d", dir.resolve("out").toString(),
          src.toString());
    }
    return new Result(exit, bytes.toString(StandardCharsets.UTF_8));
  }
}

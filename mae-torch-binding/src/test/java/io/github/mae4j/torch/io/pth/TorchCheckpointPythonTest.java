package io.github.mae4j.torch.io.pth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mae4j.torch.Torch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Live: Java reads each PyTorch fixture and writes it back; PyTorch then opens the Java files with
 * {@code torch.load(f, weights_only=True)}, {@code load_state_dict(strict=True)} into the reference model and
 * {@code AdamW.load_state_dict} (tools/check_java_checkpoint.py, one Python run for all files). Skipped where no
 * Python imports torch.
 */
class TorchCheckpointPythonTest {
  private static final Map<String, String> MODEL_OF = Map.of("mae_full.pth", "full", "mae_encoder.pth", "encoder",
      "mae_classifier.pth", "classifier", "training.pth", "encoder");
  private static final List<String> TREES = List.of("dtypes.pth", "views.pth", "training.pth");
  private static Path dir;
  private static JsonNode results;

  @BeforeAll
  static void writeAllAndAskPython() throws Exception {
    assumeThat(PythonTorch.interpreter()).as("a python3 that imports torch").isPresent();
    Torch.load();
    dir = Files.createTempDirectory("mae4j-pth-live");
    List<String> specs = new ArrayList<>();
    for (String fixture : List.of("mae_full.pth", "mae_encoder.pth", "mae_classifier.pth")) {
      LinkedHashMap<String, Tensor> sd = TorchCheckpoint.readStateDict(Fixtures.file(fixture), "model");
      TorchCheckpoint.writeStateDict(dir.resolve(fixture), sd);
      sd.values().forEach(Tensor::close);
      specs.add(dir.resolve(fixture) + "=" + MODEL_OF.get(fixture));
    }
    for (String fixture : TREES) {
      Object tree = TorchCheckpoint.read(Fixtures.file(fixture));
      TorchCheckpoint.write(dir.resolve(fixture), (Map<?, ?>) tree);
      TorchCheckpoint.closeTensors(tree);
      specs.add(dir.resolve(fixture) + (MODEL_OF.containsKey(fixture) ? "=" + MODEL_OF.get(fixture) : ""));
    }
    results = PythonTorch.checkJavaCheckpoint(specs);
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mae_full.pth", "mae_encoder.pth", "mae_classifier.pth"})
  void writeStateDict_officialLayout_pytorchLoadsWeightsOnlyStrictAndForwardEqualsOriginal(String fixture)
      throws Exception {
    JsonNode r = results.get(dir.resolve(fixture).toString());
    assertThat(r.get("weights_only_error").isNull()).as(String.valueOf(r.get("weights_only_error"))).isTrue();
    JsonNode expected = Fixtures.expected(fixture);
    r.get("tree").properties().forEach(e -> assertSameValues(e.getKey(), e.getValue(), expected.get(e.getKey())));
    assertThat(r.get("tree").size())
        .isEqualTo((int) expected.properties().stream().filter(e -> e.getKey().startsWith("model/")).count());
    if (expected.has("probe")) {
      // Python → Java read → Java write → Python forward: bit-identical to the original model's output
      assertSameValues("probe", r.get("probe"), expected.get("probe"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dtypes.pth", "views.pth", "training.pth"})
  void write_pytorchFixtureTree_pytorchReadsEveryValue(String fixture) throws Exception {
    JsonNode r = results.get(dir.resolve(fixture).toString());
    JsonNode expected = Fixtures.expected(fixture);
    assertThat(r.get("tree").size()).isEqualTo(expected.size());
    r.get("tree").properties().forEach(e -> assertSameValues(e.getKey(), e.getValue(), expected.get(e.getKey())));
    JsonNode err = r.get("weights_only_error");
    if (fixture.equals("training.pth")) {
      // it holds Python floats; torch < 2.0's weights_only unpickler has no BINFLOAT (opcode 71, 'G')
      assertThat(err.isNull() || (r.get("torch").asText().startsWith("1.") && err.asText().contains("71")))
          .as(err.toString()).isTrue();
      int params = expected.properties().stream()
          .filter(e -> e.getKey().matches("optimizer/state/\\d+/step")).toList().size();
      assertThat(r.get("optimizer_loaded").asInt()).isEqualTo(params).isPositive();
    } else {
      assertThat(err.isNull()).as(err.toString()).isTrue();
    }
  }

  private static void assertSameValues(String path, JsonNode actual, JsonNode expected) {
    assertThat(expected).as("expected.json has " + path).isNotNull();
    for (String field : new String[] {"tensor", "shape", "values", "value", "type"}) {
      assertThat(actual.get(field)).as(path + " " + field).isEqualTo(expected.get(field));
    }
  }
}

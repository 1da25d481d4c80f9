package io.github.mae4j.torch.io.pth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Live: Java reads each PyTorch fixture and writes it back; PyTorch then opens the Java files with
 * {@code torch.load(f, weights_only=True)}, {@code load_state_dict(strict=True)} into the reference model and
 * {@code AdamW.load_state_dict} (tools/check_java_checkpoint.py, one Python run for all files). Skipped where no
 * Python imports torch.
 *
 * <p>Stored values (weights, moments, scalars) are copied through the files and compared exactly with
 * expected.json. A forward is not: it is computed now, by kernels PyTorch picks for this CPU (AVX2 or AVX-512,
 * OpenBLAS core type), and its last bits differ from one machine to another. So the forward of the model loaded
 * from mae4j's file is compared, bit for bit, with the forward of the original fixture's model run in the same
 * Python process.
 */
class TorchCheckpointPythonTest {
  private static final Map<String, String> MODEL_OF = Map.of("mae_full.pth", "full", "mae_encoder.pth", "encoder",
      "mae_classifier.pth", "classifier", "training.pth", "encoder");
  private static final List<String> TREES = List.of("dtypes.pth", "views.pth", "training.pth");
  private static Path dir;
  private static JsonNode results;
  private static final Map<String, double[]> JAVA_MODEL = new LinkedHashMap<>();
  private static double[] JAVA_MOMENT_0 = new double[0];

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
      // FILE=KIND=ORIGINAL: Python also runs the model of the fixture mae4j read, for a same-process comparison
      specs.add(dir.resolve(fixture) + "=" + MODEL_OF.get(fixture) + "=" + Fixtures.file(fixture));
    }
    for (String fixture : TREES) {
      Object tree = TorchCheckpoint.read(Fixtures.file(fixture));
      TorchCheckpoint.write(dir.resolve(fixture), (Map<?, ?>) tree);
      TorchCheckpoint.closeTensors(tree);
      specs.add(dir.resolve(fixture) + (MODEL_OF.containsKey(fixture) ? "=" + MODEL_OF.get(fixture) : ""));
    }
    // the Java model's own state dict, saved whole and encoder-only, must load strictly into the reference modules
    try (MaskedAutoencoder model = MaskedAutoencoder.create(MaeCheckpointTest.tiny(8), 11)) {
      MaeCheckpoint.save(model, dir.resolve("java_full.pth"));
      MaeCheckpoint.saveEncoder(model, dir.resolve("java_encoder.pth"));
      Map<String, Tensor> sd = model.stateDict();
      sd.forEach((k, v) -> JAVA_MODEL.put(k, Fixtures.doubles(v)));
      // a trainer checkpoint of the same model: PyTorch must open it too
      Map<String, io.github.mae4j.torch.run.TensorData> weights = new LinkedHashMap<>();
      sd.forEach((k, v) -> weights.put(k, io.github.mae4j.torch.run.TensorData.of(v)));
      io.github.mae4j.torch.train.CheckpointFile.write(new io.github.mae4j.torch.train.TrainingCheckpoint(1, 0, 7, 7,
          1.25, 3, 0.5, weights, new byte[] {1, 2, 3}, new byte[] {4, 5}, 1.0, 0, "{\"name\":\"tiny\"}",
          "{\"device\":\"cpu\"}", Map.of("mae4j", "test")), dir.resolve("java_training.ckpt"));
      sd.values().forEach(Tensor::close);
    }
    // an AdamW state built in Java, in PyTorch's layout, for the encoder fixture's parameters
    Map<String, Object> training = new LinkedHashMap<>();
    LinkedHashMap<String, Tensor> encoder = TorchCheckpoint.readStateDict(Fixtures.file("mae_encoder.pth"), null);
    Map<Long, AdamWStateDict.Moments> moments = new LinkedHashMap<>();
    List<Long> indices = new ArrayList<>();
    for (Tensor t : encoder.values()) {
      moments.put((long) indices.size(), new AdamWStateDict.Moments(3, t.mul(new org.bytedeco.pytorch.Scalar(0.5)),
          t.mul(t)));
      indices.add((long) indices.size());
    }
    training.put("model", new PyOrderedDict(encoder));
    training.put("optimizer", AdamWStateDict.toStateDict(moments,
        List.of(new AdamWStateDict.Group(1e-3, 0.9, 0.95, 1e-8, 0.05, indices, Map.of()))));
    TorchCheckpoint.write(dir.resolve("java_optimizer.pth"), training);
    JAVA_MOMENT_0 = Fixtures.doubles(moments.get(0L).expAvg());
    TorchCheckpoint.closeTensors(training);
    specs.add(dir.resolve("java_optimizer.pth") + "=encoder");
    specs.add(dir.resolve("java_full.pth") + "=full");
    specs.add(dir.resolve("java_encoder.pth") + "=encoder");
    specs.add(dir.resolve("java_training.ckpt") + "=full");
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
    // Python → Java read → Java write → Python forward: bit-identical to the original model's forward, both run in
    // one Python process (same machine, same kernels)
    JsonNode same = r.get("probe_vs_original");
    assertThat(same.get("original").asText()).isEqualTo(Fixtures.file(fixture).toString());
    assertThat(r.get("probe").get("values").size()).isPositive();
    assertThat(same.get("identical").asBoolean())
        .as("forward of the model from mae4j's file equals the original's bit for bit; max |diff| %s",
            same.get("max_abs_diff"))
        .isTrue();
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

  @Test
  void trainerCheckpoint_pytorchOpensItWeightsOnly_andLoadsItsModelStrict() {
    JsonNode r = results.get(dir.resolve("java_training.ckpt").toString());
    assertThat(r.get("weights_only_error").isNull()).as(String.valueOf(r.get("weights_only_error"))).isTrue();
    assertThat(r.get("probe")).as("forward of the reference model after load_state_dict(strict=True)").isNotNull();
    assertThat(r.get("tree").get("format").get("value").asText()).isEqualTo("mae4j-checkpoint");
    assertThat(r.get("tree").get("meta").get("value").asText()).containsPattern("\"iteration\"\\s*:\\s*7,");
    JAVA_MODEL.forEach((name, values) -> assertThat(Fixtures.JSON.convertValue(
        r.get("tree").get("model/" + name).get("values"), double[].class)).as(name).containsExactly(values));
  }

  @ParameterizedTest
  @ValueSource(strings = {"java_full.pth", "java_encoder.pth"})
  void save_javaModel_pytorchReferenceLoadsItStrictWithEveryValue(String file) {
    JsonNode r = results.get(dir.resolve(file).toString());
    assertThat(r.get("weights_only_error").isNull()).as(String.valueOf(r.get("weights_only_error"))).isTrue();
    Map<String, double[]> expected = new LinkedHashMap<>(JAVA_MODEL);
    if (file.equals("java_encoder.pth")) {
      expected.keySet().removeIf(MaeCheckpoint::isDecoderKey);
    }
    List<String> names = new ArrayList<>();
    r.get("tree").properties().forEach(e -> {
      String name = e.getKey().substring("model/".length());
      names.add(name);
      assertThat(Fixtures.JSON.convertValue(e.getValue().get("values"), double[].class)).as(name)
          .containsExactly(expected.get(name));
    });
    assertThat(names).containsExactlyElementsOf(expected.keySet());
    assertThat(r.get("probe").get("values").size()).isPositive();
  }

  @org.junit.jupiter.api.Test
  void write_adamWStateBuiltInJava_pytorchAdamWLoadsItAndSteps() {
    JsonNode r = results.get(dir.resolve("java_optimizer.pth").toString());
    int params = (int) r.get("tree").properties().stream().filter(e -> e.getKey().startsWith("model/")).count();
    assertThat(r.get("optimizer_loaded").asInt()).isEqualTo(params);
    assertThat(r.get("optimizer_steps").get(0).asDouble()).isEqualTo(4.0); // 3 restored + the one it took
    assertThat(Fixtures.JSON.convertValue(r.get("tree").get("optimizer/state/0/exp_avg").get("values"), double[].class))
        .containsExactly(JAVA_MOMENT_0);
    assertThat(r.get("tree").get("optimizer/param_groups/0/betas/1").get("value").asDouble()).isEqualTo(0.95);
  }

  private static void assertSameValues(String path, JsonNode actual, JsonNode expected) {
    assertThat(expected).as("expected.json has " + path).isNotNull();
    for (String field : new String[] {"tensor", "shape", "values", "value", "type"}) {
      assertThat(actual.get(field)).as(path + " " + field).isEqualTo(expected.get(field));
    }
  }
}

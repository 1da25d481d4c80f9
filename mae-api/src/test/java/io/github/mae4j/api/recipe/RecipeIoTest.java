package io.github.mae4j.api.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.MaeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecipeIoTest {

  static List<Recipe> recipes() {
    return List.of(
        PretrainRecipe.builder().name("p").build(),
        PretrainRecipe.builder()
            .name("gray")
            .model(MaeConfig.tiny().withInChannels(1))
            .normalization(Normalization.fashionMnist())
            .epochs(3)
            .warmupEpochs(1)
            .effectiveBatchSize(128)
            .batchSizePerStep(64)
            .build(),
        FinetuneRecipe.builder().name("f").numClasses(10).build(),
        LinearProbeRecipe.builder().name("l").build());
  }

  @ParameterizedTest
  @MethodSource("recipes")
  void toJson_thenFromJson_equalsOriginal(Recipe recipe) {
    String json = RecipeIo.toJson(recipe);

    assertThat(RecipeIo.fromJson(json)).isEqualTo(recipe);
  }

  @ParameterizedTest
  @MethodSource("recipes")
  void toYaml_thenFromYaml_equalsOriginal(Recipe recipe) {
    String yaml = RecipeIo.toYaml(recipe);

    assertThat(RecipeIo.fromYaml(yaml)).isEqualTo(recipe);
  }

  @Test
  void toJson_pretrain_startsWithKindAndOmitsDerivedValues() {
    String json = RecipeIo.toJson(PretrainRecipe.builder().build());

    assertThat(json.strip()).startsWith("{").contains("\"kind\" : \"pretrain\"");
    assertThat(json.indexOf("\"kind\"")).isLessThan(json.indexOf("\"name\""));
    assertThat(json).doesNotContain("learningRate\" : 0.0024").doesNotContain("accumulationSteps");
  }

  @Test
  void toYaml_linearProbe_writesKindLinprobe() {
    String yaml = RecipeIo.toYaml(LinearProbeRecipe.builder().build());

    assertThat(yaml).startsWith("kind: linprobe");
  }

  @Test
  void fromYaml_missingFields_takeDefaults() {
    PretrainRecipe recipe = RecipeIo.fromYaml("kind: pretrain\nname: short\nepochs: 400\n", PretrainRecipe.class);

    assertThat(recipe.getEpochs()).isEqualTo(400);
    assertThat(recipe.getWarmupEpochs()).isEqualTo(40);
    assertThat(recipe.getLearningRate()).isCloseTo(2.4e-3, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void fromYaml_handWrittenNumbers_parse() {
    String yaml = "kind: finetune\nbaseLearningRate: 1e-3\nminLearningRate: 1.0e-6\nlayerDecay: .75\n";

    FinetuneRecipe recipe = RecipeIo.fromYaml(yaml, FinetuneRecipe.class);

    assertThat(recipe.getBaseLearningRate()).isEqualTo(1e-3);
    assertThat(recipe.getMinLearningRate()).isEqualTo(1e-6);
    assertThat(recipe.getLayerDecay()).isEqualTo(0.75);
  }

  @Test
  void fromJson_unknownField_refusedNamingIt() {
    assertThatThrownBy(() -> RecipeIo.fromJson("{\"kind\":\"pretrain\",\"epochz\":3}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epochz");
  }

  @Test
  void fromJson_missingKind_refusedListingKinds() {
    assertThatThrownBy(() -> RecipeIo.fromJson("{\"epochs\":3}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kind")
        .hasMessageContaining("pretrain, finetune, linprobe");
  }

  @Test
  void fromJson_unknownKind_refusedListingKinds() {
    assertThatThrownBy(() -> RecipeIo.fromJson("{\"kind\":\"distill\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("distill")
        .hasMessageContaining("pretrain, finetune, linprobe");
  }

  @Test
  void fromJson_ruleBroken_refusedWithRuleMessage() {
    assertThatThrownBy(() -> RecipeIo.fromJson("{\"kind\":\"pretrain\",\"epochs\":30}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warmupEpochs (40) must be less than epochs (30)");
  }

  @Test
  void fromJson_otherKindThanRequested_refused() {
    String json = RecipeIo.toJson(FinetuneRecipe.builder().name("ft").build());

    assertThatThrownBy(() -> RecipeIo.fromJson(json, PretrainRecipe.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recipe ft is of kind finetune, expected a PretrainRecipe");
  }

  @Test
  void writeThenRead_yamlAndJsonFiles_roundTripByExtension(@TempDir Path dir) throws Exception {
    FinetuneRecipe recipe = FinetuneRecipe.builder().name("ft").epochs(7).warmupEpochs(1).build();
    Path yaml = dir.resolve("ft.yaml");
    Path json = dir.resolve("ft.json");

    RecipeIo.write(recipe, yaml);
    RecipeIo.write(recipe, json);

    assertThat(Files.readString(yaml)).startsWith("kind: finetune");
    assertThat(Files.readString(json).strip()).startsWith("{");
    assertThat(RecipeIo.read(yaml)).isEqualTo(recipe);
    assertThat(RecipeIo.read(json, FinetuneRecipe.class)).isEqualTo(recipe);
  }

  @Test
  void read_badFile_messageNamesFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yml");
    Files.writeString(file, "kind: pretrain\nbatchSizePerStep: 96\n");

    assertThatThrownBy(() -> RecipeIo.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("effectiveBatchSize (4096) must be divisible by batchSizePerStep × devices (96 × 1 = 96)");
  }

  @Test
  void fromYaml_recipeWithTheFormerNormPixLoss_loadsWithItsTarget() throws Exception {
    String old = java.nio.file.Files.readString(
        java.nio.file.Path.of("..", "docs", "fashion-mnist-pretrain-raw-pixels.yaml"));
    assertThat(old).contains("normPixLoss: false");
    PretrainRecipe r = RecipeIo.fromYaml(old, PretrainRecipe.class);
    assertThat(r.getModel().getTarget()).isEqualTo(io.github.mae4j.api.ReconstructionTarget.PIXELS);
    assertThat(RecipeIo.toYaml(r)).contains("target: pixels").doesNotContain("normPixLoss");
    assertThat(RecipeIo.fromYaml(RecipeIo.toYaml(r), PretrainRecipe.class)).isEqualTo(r);
  }
}

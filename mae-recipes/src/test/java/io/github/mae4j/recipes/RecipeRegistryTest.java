package io.github.mae4j.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.Recipe;
import io.github.mae4j.api.recipe.RecipeIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecipeRegistryTest {

  static Stream<String> allNames() {
    return Recipes.all().keySet().stream();
  }

  @Test
  void all_namesInFixedOrder() {
    assertThat(Recipes.all().keySet())
        .containsExactly(
            "vit-b16-pretrain", "vit-l16-pretrain", "vit-h14-pretrain",
            "vit-b16-pretrain-1600", "vit-l16-pretrain-1600", "vit-h14-pretrain-1600",
            "vit-b16-finetune", "vit-l16-finetune", "vit-h14-finetune",
            "vit-b16-linprobe", "vit-l16-linprobe", "vit-h14-linprobe",
            "fashion-mnist-pretrain", "fashion-mnist-finetune", "fashion-mnist-linprobe",
            "tiny64-pretrain", "quickstart");
  }

  @Test
  void all_keyIsRecipeName() {
    Recipes.all().forEach((name, recipe) -> assertThat(recipe.getName()).isEqualTo(name));
  }

  @Test
  void all_isUnmodifiable() {
    assertThatThrownBy(() -> Recipes.all().put("x", Recipes.quickstart()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void byName_known_returnsFactoryValue() {
    assertThat(Recipes.byName("vit-l16-pretrain-1600")).isEqualTo(Recipes.vitL16Pretrain1600());
    assertThat(Recipes.byName("quickstart")).isEqualTo(Recipes.quickstart());
  }

  @Test
  void byName_unknown_messageListsValidNames() {
    assertThatThrownBy(() -> Recipes.byName("vit-b16"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown recipe \"vit-b16\"; valid names: vit-b16-pretrain, vit-l16-pretrain,")
        .hasMessageEndingWith("tiny64-pretrain, quickstart");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allNames")
  void toJson_thenFromJson_equals(String name) {
    Recipe recipe = Recipes.byName(name);

    assertThat(RecipeIo.fromJson(RecipeIo.toJson(recipe))).isEqualTo(recipe);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allNames")
  void toYaml_thenFromYaml_equals(String name) {
    Recipe recipe = Recipes.byName(name);
    String yaml = RecipeIo.toYaml(recipe);

    assertThat(yaml).startsWith("kind: " + recipe.getKind().id() + "\nname: " + recipe.getName() + "\n");
    assertThat(RecipeIo.fromYaml(yaml)).isEqualTo(recipe);
  }

  @Test
  void docsRecipesTable_namesEveryRecipe() throws Exception {
    Path docs = Path.of("..", "docs", "recipes.md");
    String text = Files.readString(docs);

    for (String name : Recipes.all().keySet()) {
      assertThat(text).as("docs/recipes.md names %s", name).contains("`" + name + "`");
    }
  }

  @Test
  void docsYamlExample_readsAsDocumented() throws Exception {
    String text = Files.readString(Path.of("..", "docs", "recipes.md"));
    int start = text.indexOf("```yaml\n") + "```yaml\n".length();
    String yaml = text.substring(start, text.indexOf("```", start));

    Recipe recipe = RecipeIo.fromYaml(yaml);

    assertThat(recipe).isInstanceOf(PretrainRecipe.class);
    assertThat(recipe.getName()).isEqualTo("vit-l16-pretrain-400");
    assertThat(recipe.getEpochs()).isEqualTo(400);
    assertThat(recipe.getModel().getEncoder().getDepth()).isEqualTo(24);
    assertThat(recipe.getLearningRate()).isEqualTo(Recipes.vitL16Pretrain().getLearningRate());
  }

  @Test
  void docsRecipesTable_numbersMatchRecipes() throws Exception {
    Pattern numbers = Pattern.compile("(\\d+) \\((\\d+)\\)");
    int rows = 0;
    for (String line : Files.readAllLines(Path.of("..", "docs", "recipes.md"))) {
      if (!line.startsWith("| `")) {
        continue;
      }
      rows++;
      String[] cells = line.split("\\|");
      Recipe r = Recipes.byName(cells[1].strip().replace("`", ""));
      Matcher epochs = numbers.matcher(cells[4]);
      Matcher batch = Pattern.compile("(\\d+) \\((\\d+) × (\\d+)\\)")
          .matcher(cells[5]);
      assertThat(epochs.find() && batch.find()).as(line).isTrue();

      assertThat(cells[2].strip()).as(line).isEqualTo(r.getKind().id());
      assertThat(Integer.parseInt(epochs.group(1))).as(line).isEqualTo(r.getEpochs());
      assertThat(Integer.parseInt(epochs.group(2))).as(line).isEqualTo(r.getWarmupEpochs());
      assertThat(Integer.parseInt(batch.group(1))).as(line).isEqualTo(r.getEffectiveBatchSize());
      assertThat(Integer.parseInt(batch.group(2))).as(line).isEqualTo(r.getBatchSizePerStep());
      assertThat(Integer.parseInt(batch.group(3))).as(line).isEqualTo(r.getAccumulationSteps());
      assertThat(Double.parseDouble(cells[6].strip())).as(line).isEqualTo(r.getBaseLearningRate());
      assertThat(Double.parseDouble(cells[7].strip()))
          .as(line)
          .isCloseTo(r.getLearningRate(), offset(1e-12));
    }
    assertThat(rows).isEqualTo(Recipes.all().size());
  }
}

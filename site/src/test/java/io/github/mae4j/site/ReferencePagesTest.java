package io.github.mae4j.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Recipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.samples.cli.MaeCommand;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The pages generated from the code say what the code does. */
class ReferencePagesTest {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void recipeReference_everyRecipe_withItsNumbersAndAYamlThatReadsBackEqual() {
    String md = new RecipeReference().markdown();
    Pattern yaml = Pattern.compile("## ([\\w-]+)\\n\\n[^\\n]*\\n\\n```yaml\\n(.*?)```", Pattern.DOTALL);
    Matcher m = yaml.matcher(md);
    int n = 0;
    while (m.find()) {
      Recipe r = Recipes.byName(m.group(1));
      assertThat(RecipeIo.fromYaml(m.group(2))).as(m.group(1)).isEqualTo(r);
      n++;
    }
    assertThat(n).isEqualTo(Recipes.all().size());
    assertThat(md).contains("| [`vit-l16-pretrain`](#vit-l16-pretrain) | pretrain | 224 px, 3 ch, patch 16, enc 1024×24 "
        + "(16 heads), dec 512×8 | 800 (40) | 4096 (64 × 64) | 1.5e-4 | 2.4e-3 | adamw |");
  }

  @Test
  void num_writesRatesAsThePaperDoes() {
    assertThat(RecipeReference.num(1.5e-4)).isEqualTo("1.5e-4");
    assertThat(RecipeReference.num(2.4e-3)).isEqualTo("2.4e-3");
    assertThat(RecipeReference.num(0.1)).isEqualTo("0.1");
    assertThat(RecipeReference.num(6.4)).isEqualTo("6.4");
  }

  @Test
  void configReference_everyField_withDefaultDescriptionAndTheCodesMessages() {
    String md = new ConfigReference(REPO).markdown();
    MaeConfig d = MaeConfig.builder().build();
    assertThat(md).contains(
        "| `imageSize` | int | `224` | Height of the input image in pixels, and its width unless `getImageWidth()` says "
            + "otherwise. | `imageSize (0) must be positive`",
        "| `encoder.embedDim` | int | `" + d.getEncoder().getEmbedDim() + "` |",
        "`encoder.embedDim (7) must be divisible by encoder.numHeads (12)`",
        "`maskRatio (1.0) must be in [0, 1)`".replace("1.0", "-1.0"),
        "`gridSize (13 = imageSize/patchSize) must be even for maskSampling GRID`",
        "| `imageWidth` | int, optional | absent | Width of the input image");
    // no field without a description: a new field needs its Javadoc
    for (String line : md.lines().filter(l -> l.startsWith("| `") && !l.startsWith("| `{")).toList()) {
      String[] cells = line.split(" \\| ");
      assertThat(cells[3].strip()).as(line).isNotEmpty();
    }
    assertThat(md.lines().filter(l -> l.startsWith("| `") && !l.startsWith("| `{")).count())
        .isEqualTo(17); // 8 top-level values, 4 for each of encoder and decoder, the optional imageWidth
  }

  @Test
  void cliReference_everyVerb_withItsHelp() {
    String md = new CliReference().markdown();
    for (String verb : MaeCommand.commandLine().getSubcommands().keySet()) {
      if (!verb.equals("help")) {
        assertThat(md).contains("## mae " + verb + "\n\n```text\nUsage: mae " + verb);
      }
    }
    assertThat(md).contains("--data=SOURCE", "--checkpoint=FILE");
  }

  @Test
  void apiOverview_listsThePublicPackagesOfEachLibrary() {
    String md = new ApiOverview(REPO, "9.9").markdown();
    assertThat(md).contains("<artifactId>mae-torch-binding</artifactId>\n  <version>9.9</version>",
        "[`io.github.mae4j.api`](site:apidocs/io/github/mae4j/api/package-summary.html)",
        "[`io.github.mae4j.recipes`](site:apidocs/io/github/mae4j/recipes/package-summary.html)")
        .doesNotContain(".internal`");
  }
}

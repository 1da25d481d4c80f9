package io.github.mae4j.samples.cli;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Recipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.recipes.Recipes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mae recipes [NAME]}: the table of every built-in recipe, or one recipe in full. */
@Command(name = "recipes", mixinStandardHelpOptions = true,
    description = {"List the built-in recipes (the paper's and small CPU ones).",
        "With a NAME, print that recipe in full (YAML; --json for JSON): a file to edit and pass to 'mae pretrain --recipe'."})
final class RecipesCommand implements Callable<Integer> {
  @Parameters(arity = "0..1", paramLabel = "NAME", description = "A recipe name, e.g. vit-l16-pretrain.")
  String name;

  @Option(names = "--json", description = "JSON instead of a table (or of YAML for one recipe).")
  boolean json;

  @Override
  public Integer call() {
    if (name != null) {
      Recipe r = Recipes.byName(name);
      System.out.print(json ? RecipeIo.toJson(r) + "\n" : RecipeIo.toYaml(r));
      return 0;
    }
    Map<String, Recipe> all = Recipes.all();
    if (json) {
      List<String> items = new ArrayList<>();
      all.values().forEach(r -> items.add(RecipeIo.toJson(r)));
      System.out.println("[" + String.join(",\n", items) + "]");
      return 0;
    }
    System.out.println(table(all));
    return 0;
  }

  static String table(Map<String, Recipe> all) {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-26s %-9s %-18s %6s %6s %7s %9s %9s  %s%n";
    sb.append(String.format(fmt, "NAME", "KIND", "MODEL", "EPOCHS", "WARMUP", "BATCH", "BLR", "LR", "SOURCE"));
    for (Recipe r : all.values()) {
      sb.append(String.format(fmt, r.getName(), r.getKind().toString().toLowerCase(java.util.Locale.ROOT),
          model(r.getModel()), r.getEpochs(), r.getWarmupEpochs(), r.getEffectiveBatchSize(),
          String.format("%.3g", r.getBaseLearningRate()), String.format("%.3g", r.getLearningRate()),
          r.getSource()));
    }
    return sb.toString().stripTrailing();
  }

  private static String model(MaeConfig c) {
    return c.getEncoder().getEmbedDim() + "x" + c.getEncoder().getDepth() + "/" + c.getPatchSize() + " @" + c.getImageSize()
        + (c.getInChannels() == 1 ? " gray" : "");
  }
}

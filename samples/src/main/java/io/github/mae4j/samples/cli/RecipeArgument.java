package io.github.mae4j.samples.cli;

import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.Recipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.recipes.Recipes;
import java.nio.file.Files;
import java.nio.file.Path;

/** A recipe given on the command line: a registered name ({@code quickstart}) or a JSON/YAML file. */
final class RecipeArgument {
  private RecipeArgument() {}

  /**
   * The pretraining recipe {@code nameOrFile} means.
   *
   * @throws IllegalArgumentException (exit code 2) for an unknown name, a bad file, or a recipe of another kind
   */
  static PretrainRecipe pretrain(String nameOrFile) {
    Path file = Path.of(nameOrFile);
    Recipe r = Files.isRegularFile(file) ? RecipeIo.read(file) : Recipes.byName(nameOrFile);
    if (!(r instanceof PretrainRecipe p)) {
      throw new IllegalArgumentException("recipe " + r.getName() + " is a " + r.getKind()
          + " recipe; mae pretrain needs a pretraining recipe");
    }
    return p;
  }
}

package io.github.mae4j.samples;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.recipes.Recipes;

/** Changing a recipe from Java: copies with {@code with*}, a builder from the original, the YAML file form. */
public final class RecipeEdits {
  private RecipeEdits() {}

  /** The paper's ViT-L/16 recipe, shortened to 400 epochs. */
  public static PretrainRecipe shorter() {
    // tag::with[]
    PretrainRecipe shorter = Recipes.vitL16Pretrain().withEpochs(400); // a copy: the original is unchanged
    // end::with[]
    return shorter;
  }

  /** ViT-B/16 at 90% masking with a smaller effective batch, and its YAML form. */
  public static String myRecipeYaml() {
    // tag::builder[]
    PretrainRecipe mine = Recipes.vitB16Pretrain().toBuilder()
        .name("vit-b16-pretrain-mask90")
        .model(MaeConfig.vitB16().withMaskRatio(0.9))
        .effectiveBatchSize(1024)                 // lr follows: blr × 1024 / 256
        .build();                                 // a value that breaks a rule is refused, naming it
    String yaml = RecipeIo.toYaml(mine);          // RecipeIo.read(file) and `mae pretrain FILE` read it back
    // end::builder[]
    return yaml;
  }

  public static void main(String[] args) {
    System.out.println(shorter().getEpochs() + " epochs, warmup " + shorter().getWarmupEpochs());
    System.out.println(myRecipeYaml());
  }
}

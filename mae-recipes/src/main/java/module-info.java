/** The paper's recipes as data ({@code Recipes.vitL16Pretrain()} and the rest); depends on the API alone. */
module io.github.mae4j.recipes {
  requires transitive io.github.mae4j.api;
  requires static org.jspecify;

  exports io.github.mae4j.recipes;
}

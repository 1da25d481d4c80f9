package io.github.mae4j.recipes;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.Recipe;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recipes of the MAE paper (He et al. 2021) and of the reference repository facebookresearch/mae, and small
 * recipes that train on one CPU in minutes. Each factory returns an immutable recipe that names its source;
 * change one with {@code with*} ({@code Recipes.vitL16Pretrain().withEpochs(400)}) or {@code toBuilder()}.
 * {@link #all()} and {@link #byName(String)} give them by their kebab-case names.
 *
 * <p>The paper's recipes keep the reference's per-GPU batch as {@code batchSizePerStep} with one device, so on one
 * accelerator the effective batch is reached by gradient accumulation; set {@code devices} or a larger
 * {@code batchSizePerStep} to need fewer passes.
 */
public final class Recipes {
  static final String PRETRAIN_SOURCE = "MAE paper (He et al. 2021) Table 8/A.1; facebookresearch/mae PRETRAIN.md";
  static final String PRETRAIN_1600_SOURCE =
      PRETRAIN_SOURCE + "; 1600 epochs as the released checkpoints (paper Table 3, FINETUNE.md notes)";
  static final String FINETUNE_SOURCE = "MAE paper (He et al. 2021) Table 9/A.1; facebookresearch/mae FINETUNE.md";
  static final String LINPROBE_SOURCE =
      "MAE paper (He et al. 2021) Table 10/A.2; facebookresearch/mae FINETUNE.md (Linear Probing)";
  static final String SMALL_SOURCE = "mae4j small recipe: the paper's recipe scaled down to one CPU";

  private static final Map<String, Recipe> ALL = register();

  private Recipes() {}

  // ---- pretraining (paper Table 8) -----------------------------------------------------------------------

  /** MAE ViT-B/16, 800 epochs: blr 1.5e-4, batch 4096 (lr 2.4e-3), 40 warmup, AdamW (0.9, 0.95), wd 0.05. */
  public static PretrainRecipe vitB16Pretrain() {
    return pretrain("vit-b16-pretrain", MaeConfig.vitB16(), 800, PRETRAIN_SOURCE);
  }

  /** MAE ViT-L/16, 800 epochs (the reference's recommended default). */
  public static PretrainRecipe vitL16Pretrain() {
    return pretrain("vit-l16-pretrain", MaeConfig.vitL16(), 800, PRETRAIN_SOURCE);
  }

  /** MAE ViT-H/14, 800 epochs. */
  public static PretrainRecipe vitH14Pretrain() {
    return pretrain("vit-h14-pretrain", MaeConfig.vitH14(), 800, PRETRAIN_SOURCE);
  }

  /** MAE ViT-B/16, 1600 epochs (as the released checkpoints). */
  public static PretrainRecipe vitB16Pretrain1600() {
    return pretrain("vit-b16-pretrain-1600", MaeConfig.vitB16(), 1600, PRETRAIN_1600_SOURCE);
  }

  /** MAE ViT-L/16, 1600 epochs. */
  public static PretrainRecipe vitL16Pretrain1600() {
    return pretrain("vit-l16-pretrain-1600", MaeConfig.vitL16(), 1600, PRETRAIN_1600_SOURCE);
  }

  /** MAE ViT-H/14, 1600 epochs. */
  public static PretrainRecipe vitH14Pretrain1600() {
    return pretrain("vit-h14-pretrain-1600", MaeConfig.vitH14(), 1600, PRETRAIN_1600_SOURCE);
  }

  private static PretrainRecipe pretrain(String name, MaeConfig model, int epochs, String source) {
    return PretrainRecipe.builder().name(name).source(source).model(model).epochs(epochs).build();
  }

  // ---- fine-tuning (paper Table 9, FINETUNE.md) ----------------------------------------------------------

  /** ViT-B/16 fine-tuning: 100 epochs, blr 5e-4, batch 1024, layer decay 0.65, drop path 0.1. */
  public static FinetuneRecipe vitB16Finetune() {
    return finetune("vit-b16-finetune", MaeConfig.vitB16(), 100, 5e-4, 0.65, 0.1, 32);
  }

  /** ViT-L/16 fine-tuning: 50 epochs, blr 1e-3, batch 1024, layer decay 0.75, drop path 0.2. */
  public static FinetuneRecipe vitL16Finetune() {
    return finetune("vit-l16-finetune", MaeConfig.vitL16(), 50, 1e-3, 0.75, 0.2, 32);
  }

  /** ViT-H/14 fine-tuning: 50 epochs, blr 1e-3, batch 1024, layer decay 0.75, drop path 0.3. */
  public static FinetuneRecipe vitH14Finetune() {
    return finetune("vit-h14-finetune", MaeConfig.vitH14(), 50, 1e-3, 0.75, 0.3, 16);
  }

  private static FinetuneRecipe finetune(
      String name, MaeConfig model, int epochs, double blr, double layerDecay, double dropPath, int perStep) {
    return FinetuneRecipe.builder()
        .name(name)
        .source(FINETUNE_SOURCE)
        .model(model)
        .epochs(epochs)
        .baseLearningRate(blr)
        .layerDecay(layerDecay)
        .dropPath(dropPath)
        .batchSizePerStep(perStep)
        .build();
  }

  // ---- linear probing (paper Table 10) -------------------------------------------------------------------

  /** ViT-B/16 linear probe: LARS, blr 0.1, batch 16384 (lr 6.4), wd 0, 90 epochs, 10 warmup, cls token. */
  public static LinearProbeRecipe vitB16LinearProbe() {
    return linearProbe("vit-b16-linprobe", MaeConfig.vitB16());
  }

  /** ViT-L/16 linear probe (the reference notes 50 epochs suffice; the paper's 90 are kept). */
  public static LinearProbeRecipe vitL16LinearProbe() {
    return linearProbe("vit-l16-linprobe", MaeConfig.vitL16());
  }

  /** ViT-H/14 linear probe (the reference notes 50 epochs suffice; the paper's 90 are kept). */
  public static LinearProbeRecipe vitH14LinearProbe() {
    return linearProbe("vit-h14-linprobe", MaeConfig.vitH14());
  }

  private static LinearProbeRecipe linearProbe(String name, MaeConfig model) {
    return LinearProbeRecipe.builder().name(name).source(LINPROBE_SOURCE).model(model).build();
  }

  // ---- registry ------------------------------------------------------------------------------------------

  /** Every recipe by name, in a fixed order: paper pretraining, fine-tuning, probing, then the small ones. */
  public static Map<String, Recipe> all() {
    return ALL;
  }

  /**
   * The recipe of that name.
   *
   * @throws IllegalArgumentException listing the valid names when there is none
   */
  public static Recipe byName(String name) {
    Recipe recipe = ALL.get(name);
    if (recipe == null) {
      throw new IllegalArgumentException(
          "unknown recipe \"" + name + "\"; valid names: " + String.join(", ", ALL.keySet()));
    }
    return recipe;
  }

  private static Map<String, Recipe> register() {
    Map<String, Recipe> map = new LinkedHashMap<>();
    for (Recipe r :
        new Recipe[] {
          vitB16Pretrain(), vitL16Pretrain(), vitH14Pretrain(),
          vitB16Pretrain1600(), vitL16Pretrain1600(), vitH14Pretrain1600(),
          vitB16Finetune(), vitL16Finetune(), vitH14Finetune(),
          vitB16LinearProbe(), vitL16LinearProbe(), vitH14LinearProbe(),
          SmallRecipes.fashionMnistPretrain(), SmallRecipes.fashionMnistFinetune(),
          SmallRecipes.fashionMnistLinearProbe(), SmallRecipes.tiny64Pretrain(), SmallRecipes.quickstart()
        }) {
      if (map.put(r.getName(), r) != null) {
        throw new IllegalStateException("two recipes are named " + r.getName());
      }
    }
    return Collections.unmodifiableMap(map);
  }

  // ---- small recipes for one CPU (see SmallRecipes) ------------------------------------------------------

  /** Fashion-MNIST pretraining: 28-px grayscale, 4-px patches, encoder 192×4, lr 1e-3 at batch 128, 4 epochs. */
  public static PretrainRecipe fashionMnistPretrain() {
    return SmallRecipes.fashionMnistPretrain();
  }

  /** Fine-tuning of {@link #fashionMnistPretrain()}'s encoder on Fashion-MNIST's 10 classes. */
  public static FinetuneRecipe fashionMnistFinetune() {
    return SmallRecipes.fashionMnistFinetune();
  }

  /** Linear probe of {@link #fashionMnistPretrain()}'s encoder on Fashion-MNIST's 10 classes. */
  public static LinearProbeRecipe fashionMnistLinearProbe() {
    return SmallRecipes.fashionMnistLinearProbe();
  }

  /** 64-px RGB pretraining with 8-px patches and a tiny encoder, for the synthetic dataset or image folders. */
  public static PretrainRecipe tiny64Pretrain() {
    return SmallRecipes.tiny64Pretrain();
  }

  /** The quick-start job: {@link MaeConfig#tiny()} on synthetic 32-px RGB images, 384 updates. */
  public static PretrainRecipe quickstart() {
    return SmallRecipes.quickstart();
  }
}

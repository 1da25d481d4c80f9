package io.github.mae4j.api.recipe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.github.mae4j.api.Checks;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.schedule.LrSchedule;
import java.util.regex.Pattern;
import org.immutables.value.Value;

/**
 * What every recipe holds: a name and the source of its numbers, the model, the schedule (epochs, warmup, base
 * learning rate, floor), the batch and how it is reached, the optimizer, the augmentation and the input
 * normalization. A recipe is data; a trainer executes it.
 *
 * <p>The learning rate follows the linear scaling rule {@code lr = baseLearningRate × effectiveBatchSize / 256};
 * the effective batch is {@code batchSizePerStep × devices × accumulationSteps}. The schedule is a linear warmup
 * from 0 then a half-cycle cosine to {@code minLearningRate}, stepped per iteration ({@link #lrSchedule()}).
 *
 * <p>In JSON and YAML the field {@code kind} says which recipe a file holds: {@code pretrain}, {@code finetune}
 * or {@code linprobe}.
 */
@JsonPropertyOrder({
  "name", "source", "dataset", "model", "epochs", "warmupEpochs", "baseLearningRate", "minLearningRate",
  "effectiveBatchSize", "batchSizePerStep", "devices", "imagesPerEpoch", "seed", "optimizer", "augmentation",
  "normalization"
})
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = PretrainRecipe.class, name = "pretrain"),
  @JsonSubTypes.Type(value = FinetuneRecipe.class, name = "finetune"),
  @JsonSubTypes.Type(value = LinearProbeRecipe.class, name = "linprobe")
})
public abstract sealed class Recipe permits PretrainRecipe, FinetuneRecipe, LinearProbeRecipe {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  Recipe() {}

  /** Kebab-case name, e.g. {@code vit-l16-pretrain}. */
  @Value.Default
  public String getName() {
    return "custom";
  }

  /** Where the numbers come from, e.g. "MAE paper (He et al. 2021) Table 8/A.1; facebookresearch/mae PRETRAIN.md". */
  @Value.Default
  public String getSource() {
    return "user-defined";
  }

  /**
   * The data the recipe was written for: {@code imagenet-1k}, {@code fashion-mnist}, {@code synthetic},
   * {@code image-folder}; a hint for tools, not a path.
   */
  @Value.Default
  public String getDataset() {
    return "imagenet-1k";
  }

  /** The model: the whole MAE for pretraining; its image geometry and encoder for fine-tuning and probing. */
  public abstract MaeConfig getModel();

  /** Training epochs E. */
  public abstract int getEpochs();

  /** Epochs of linear warmup w from 0 to the peak learning rate, in [0, E). */
  public abstract int getWarmupEpochs();

  /** Base learning rate (blr), for an effective batch of 256. */
  public abstract double getBaseLearningRate();

  /** Learning rate at the end of the cosine. */
  public abstract double getMinLearningRate();

  /** Images per optimizer update, over all devices and accumulation steps. */
  public abstract int getEffectiveBatchSize();

  /** Images per forward/backward pass on one device. */
  public abstract int getBatchSizePerStep();

  /** Data-parallel devices (1 on one machine with one accelerator). */
  @Value.Default
  public int getDevices() {
    return 1;
  }

  /**
   * Images per epoch: 0 for one full pass over the dataset; positive to cap an epoch (or, for generated data,
   * to set its size).
   */
  @Value.Default
  public int getImagesPerEpoch() {
    return 0;
  }

  /** Seed of every random choice in training (the reference uses 0). */
  @Value.Default
  public long getSeed() {
    return 0;
  }

  public abstract OptimizerSpec getOptimizer();

  public abstract Augmentation getAugmentation();

  /** Input statistics; their channel count equals the model's. */
  public abstract Normalization getNormalization();

  // ---- derived -------------------------------------------------------------------------------------------

  /** Which recipe this is. */
  @JsonIgnore
  public RecipeKind getKind() {
    return switch (this) {
      case PretrainRecipe p -> RecipeKind.PRETRAIN;
      case FinetuneRecipe f -> RecipeKind.FINETUNE;
      case LinearProbeRecipe l -> RecipeKind.LINPROBE;
    };
  }

  /** Peak learning rate by the linear scaling rule: {@code baseLearningRate × effectiveBatchSize / 256}. */
  @JsonIgnore
  public double getLearningRate() {
    return getBaseLearningRate() * getEffectiveBatchSize() / 256.0;
  }

  /** Passes accumulated per update: {@code effectiveBatchSize / (batchSizePerStep × devices)}. */
  @JsonIgnore
  public int getAccumulationSteps() {
    return getEffectiveBatchSize() / (getBatchSizePerStep() * getDevices());
  }

  /** The per-iteration learning rate: linear warmup over {@code warmupEpochs}, then half-cycle cosine. */
  public LrSchedule lrSchedule() {
    return new LrSchedule(getLearningRate(), getMinLearningRate(), getWarmupEpochs(), getEpochs());
  }

  /**
   * Optimizer updates per epoch for a dataset of {@code datasetSize} images (capped by {@link #getImagesPerEpoch()}
   * when set); a last partial batch is dropped, as the reference does.
   */
  public int updatesPerEpoch(int datasetSize) {
    Checks.positive("datasetSize", datasetSize);
    int images = getImagesPerEpoch() > 0 ? Math.min(getImagesPerEpoch(), datasetSize) : datasetSize;
    return images / getEffectiveBatchSize();
  }

  /**
   * A builder pre-filled with this recipe, for code that handles any kind:
   * {@code recipe.toBuilder().epochs(2).build()}. Each recipe type narrows it to its own builder.
   */
  public RecipeBuilder<?, ? extends Recipe> toBuilder() {
    return switch (this) {
      case PretrainRecipe p -> PretrainRecipe.builder().from(p);
      case FinetuneRecipe f -> FinetuneRecipe.builder().from(f);
      case LinearProbeRecipe l -> LinearProbeRecipe.builder().from(l);
    };
  }

  /** The rules every recipe obeys; subclasses call this from their {@code @Value.Check}. */
  void validateCommon() {
    if (!NAME.matcher(getName()).matches()) {
      throw new IllegalArgumentException(
          "name (\"" + getName() + "\") must be kebab-case: lower-case letters and digits joined by '-'");
    }
    Checks.notBlank("source", getSource());
    Checks.notBlank("dataset", getDataset());
    Checks.positive("epochs", getEpochs());
    Checks.nonNegative("warmupEpochs", getWarmupEpochs());
    if (getWarmupEpochs() >= getEpochs()) {
      throw new IllegalArgumentException(
          "warmupEpochs (" + getWarmupEpochs() + ") must be less than epochs (" + getEpochs() + ")");
    }
    Checks.positive("baseLearningRate", getBaseLearningRate());
    Checks.positive("effectiveBatchSize", getEffectiveBatchSize());
    Checks.positive("batchSizePerStep", getBatchSizePerStep());
    Checks.positive("devices", getDevices());
    long perUpdatePass = (long) getBatchSizePerStep() * getDevices();
    if (getEffectiveBatchSize() % perUpdatePass != 0) {
      throw new IllegalArgumentException(
          "effectiveBatchSize (" + getEffectiveBatchSize() + ") must be divisible by batchSizePerStep × devices ("
              + getBatchSizePerStep() + " × " + getDevices() + " = " + perUpdatePass
              + ") so that gradient accumulation reaches it exactly");
    }
    Checks.nonNegative("minLearningRate", getMinLearningRate());
    if (getMinLearningRate() > getLearningRate()) {
      throw new IllegalArgumentException(
          "minLearningRate (" + getMinLearningRate() + ") must be <= learningRate (" + getLearningRate()
              + " = baseLearningRate × effectiveBatchSize / 256)");
    }
    Checks.nonNegative("imagesPerEpoch", getImagesPerEpoch());
    if (getImagesPerEpoch() > 0 && getImagesPerEpoch() < getEffectiveBatchSize()) {
      throw new IllegalArgumentException(
          "imagesPerEpoch (" + getImagesPerEpoch() + ") must be 0 or at least effectiveBatchSize ("
              + getEffectiveBatchSize() + ")");
    }
    if (getNormalization().getChannels() != getModel().getInChannels()) {
      throw new IllegalArgumentException(
          "normalization (" + getNormalization().getChannels() + " channels) must match model.inChannels ("
              + getModel().getInChannels() + ")" + (getNormalization().getChannels() == 3
              && getModel().getInChannels() != 3 ? ": ImageNet's RGB statistics do not fit other channel counts; "
              + "give the data's own per-channel statistics (mae stats, --normalization measured)" : ""));
    }
  }
}

package io.github.mae4j.torch.downstream.finetune;

import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.DownstreamData;
import io.github.mae4j.torch.downstream.EncoderWeights;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.downstream.LabeledData;
import io.github.mae4j.torch.run.RecipeEpochs;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.vit.EncoderLoadReport;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.weights.ChannelAdaptation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A whole fine-tuning run, as {@code mae finetune} does it: the encoder read from any checkpoint
 * ({@link EncoderWeights}), the recipe fitted to it (its model, the data's classes, statistics for its channels), the
 * labelled data, {@link Finetuner} with optional partial fine-tuning and EMA, a checkpoint and metrics line per epoch
 * when an output directory is given, and the final top-1/top-5. Built with {@link #builder(FinetuneRecipe)}, or from a
 * kept run with {@link #resume(Path)}; {@link #run()} carries it out.
 */
public final class FinetuneRun {
  private final Builder b;

  private FinetuneRun(Builder b) {
    this.b = b.copy();
  }

  /** A fresh run of {@code recipe} (its model is replaced by a mae4j checkpoint's, its classes by the data's). */
  public static Builder builder(FinetuneRecipe recipe) {
    return new Builder(recipe, null);
  }

  /**
   * Continues the run kept in {@code dir} after its last finished epoch, with the recipe, data, partial fine-tuning
   * and EMA it recorded (the result equals an uninterrupted run's).
   *
   * @throws IOException when {@code dir} is missing or holds no readable checkpoint
   * @throws IllegalArgumentException when it holds another kind of run
   */
  public static Builder resume(Path dir) throws IOException {
    DownstreamCheckpoint c = RunDirectory.read(dir);
    if (!DownstreamCheckpoint.FINETUNE.equals(c.kind())) {
      throw new IllegalArgumentException(dir + " holds a " + c.kind() + " run, not a "
          + DownstreamCheckpoint.FINETUNE + " run");
    }
    Map<String, String> s = c.settings();
    Builder b = new Builder(RecipeIo.fromJson(c.recipeJson(), FinetuneRecipe.class), dir);
    b.resumedEpochs = c.epochsDone();
    b.data = DownstreamData.fromSettings(s);
    String last = s.getOrDefault("last_blocks", "");
    b.lastBlocks = last.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(last));
    b.ema = s.containsKey("ema") ? OptionalDouble.of(Double.parseDouble(s.get("ema"))) : OptionalDouble.empty();
    return b;
  }

  /**
   * Runs it: reads the encoder and the data, trains, evaluates.
   *
   * @throws IllegalArgumentException for a missing checkpoint, data that do not fit the model, an output directory
   *     that already holds a run, or a recipe the resumed run did not record
   * @throws IOException when a checkpoint or the data cannot be read
   */
  public RunResult run() throws IOException {
    FinetuneRecipe recipe = b.recipe;
    @Nullable EncoderWeights w = null;
    if (b.resumeDir != null) {
      b.log.accept("resuming " + b.resumeDir + " after epoch " + b.resumedEpochs);
    } else {
      w = EncoderWeights.load(b.encoder, recipe.getModel(), b.adaptChannels);
      // the encoder's geometry, the data's classes, statistics for the encoder's channels
      recipe = recipe.toBuilder().model(w.model()).numClasses(b.data.numClasses())
          .normalization(DownstreamData.normalizationFor(recipe, w.model(), w.normalization())).build();
    }
    Map<String, String> settings = new LinkedHashMap<>();
    b.data.saveTo(settings);
    b.lastBlocks.ifPresent(k -> settings.put("last_blocks", Integer.toString(k)));
    b.ema.ifPresent(d -> settings.put("ema", Double.toString(d)));
    settings.put("encoder", w == null ? "" : w.description());
    RunDirectory dir = b.resumeDir != null ? RunDirectory.resume(b.resumeDir)
        : b.output == null ? RunDirectory.none() : RunDirectory.create(b.output, settings);
    LabeledData train = b.data.load(FashionMnist.Split.TRAIN, recipe.getModel(), recipe, b.log);
    LabeledData test = b.data.load(FashionMnist.Split.TEST, recipe.getModel(), recipe, b.log);
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      if (w != null && w.weights() != null) {
        EncoderLoadReport r = m.loadEncoder(w.weights(), w.model());
        b.log.accept("loaded " + r.loaded().size() + " encoder tensors from " + w.description());
      } else if (w != null) {
        b.log.accept("encoder: random initialization");
      }
      if (b.lastBlocks.isPresent()) {
        m.freezeAllButLastBlocks(b.lastBlocks.getAsInt());
      }
      RunResult result = Finetuner.run(m, recipe, train, test, b.ema, true, b.onEpoch, dir, b.stepProgress, b.dist);
      LabeledData.skipSummary(train, test).ifPresent(b.log);
      return result;
    }
  }

  /** The settings of a {@link FinetuneRun}; every one but the recipe is optional. */
  public static final class Builder {
    private FinetuneRecipe recipe;
    private final @Nullable Path resumeDir;
    private int resumedEpochs;
    private @Nullable Path encoder;
    private @Nullable ChannelAdaptation adaptChannels;
    private DownstreamData data = DownstreamData.fashionMnist(0, 0);
    private OptionalInt lastBlocks = OptionalInt.empty();
    private OptionalDouble ema = OptionalDouble.empty();
    private @Nullable Path output;
    private Consumer<String> log = s -> {};
    private Consumer<EpochStats> onEpoch = e -> {};
    private ProgressReporter stepProgress = ProgressReporter.silent();
    private DistributedContext dist = DistributedContext.single();

    private Builder(FinetuneRecipe recipe, @Nullable Path resumeDir) {
      this.recipe = recipe;
      this.resumeDir = resumeDir;
    }

    /** Runs the recipe for {@code n} epochs (its warmup cut to {@code n − 1} when longer). */
    public Builder epochs(int n) {
      recipe = RecipeEpochs.withEpochs(recipe, recipe.toBuilder(), n);
      return this;
    }

    /** How to adapt an encoder of another channel count (default null: refuse it, naming the tensor). */
    public Builder adaptChannels(@Nullable ChannelAdaptation adaptation) {
      this.adaptChannels = adaptation;
      return this;
    }

    /** The encoder's checkpoint (see {@link EncoderWeights#load}); none (the default): random initialization. */
    public Builder encoder(@Nullable Path checkpoint) {
      this.encoder = checkpoint;
      return this;
    }

    /** The labelled data (default: all of Fashion-MNIST). */
    public Builder data(DownstreamData data) {
      this.data = data;
      return this;
    }

    /** Partial fine-tuning: train only the last {@code k} blocks, the final norm and the head. */
    public Builder lastBlocks(int k) {
      this.lastBlocks = OptionalInt.of(k);
      return this;
    }

    /** Keeps an EMA of the weights with {@code decay} and evaluates it. */
    public Builder ema(double decay) {
      this.ema = OptionalDouble.of(decay);
      return this;
    }

    /** Keeps {@code checkpoint-last.ckpt} and {@code metrics.jsonl} in {@code dir} after every epoch. */
    public Builder output(@Nullable Path dir) {
      this.output = dir;
      return this;
    }

    /** Told what is read and loaded, one line at a time (default: nothing). */
    public Builder log(Consumer<String> log) {
      this.log = log;
      return this;
    }

    /** Called after every epoch, once its checkpoint is written. */
    public Builder onEpoch(Consumer<EpochStats> onEpoch) {
      this.onEpoch = onEpoch;
      return this;
    }

    /** Shows every training step (e.g. {@link ProgressReporter#forStderr(double)}). */
    public Builder stepProgress(ProgressReporter progress) {
      this.stepProgress = progress;
      return this;
    }

    /**
     * Runs as one rank of {@code context} (default: a single process): the recipe's batch per step is the global
     * batch, each rank takes a contiguous block of batch / world size images, and the run equals one process's;
     * rank 0 alone writes the checkpoint and metrics ({@link Finetuner#run(VitClassifier, FinetuneRecipe, LabeledData,
     * LabeledData, OptionalDouble, boolean, Consumer, RunDirectory, ProgressReporter, DistributedContext)}).
     */
    public Builder distributed(DistributedContext context) {
      this.dist = context;
      return this;
    }

    /** The recipe as it stands (before it is fitted to the encoder and data). */
    public FinetuneRecipe recipe() {
      return recipe;
    }

    /** The run with these settings (later changes to this builder do not reach it). */
    public FinetuneRun build() {
      return new FinetuneRun(this);
    }

    private Builder copy() {
      Builder c = new Builder(recipe, resumeDir);
      c.resumedEpochs = resumedEpochs;
      c.encoder = encoder;
      c.adaptChannels = adaptChannels;
      c.data = data;
      c.lastBlocks = lastBlocks;
      c.ema = ema;
      c.output = output;
      c.log = log;
      c.onEpoch = onEpoch;
      c.stepProgress = stepProgress;
      c.dist = dist;
      return c;
    }
  }
}

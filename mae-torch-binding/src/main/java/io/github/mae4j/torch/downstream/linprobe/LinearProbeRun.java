package io.github.mae4j.torch.downstream.linprobe;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.DownstreamData;
import io.github.mae4j.torch.downstream.EncoderWeights;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.downstream.LabeledData;
import io.github.mae4j.torch.run.RecipeEpochs;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.aug.RandomCropFlip;
import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.eval.FrozenEncoder;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.weights.ChannelAdaptation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A whole linear-probing run, as {@code mae linprobe} does it: the frozen encoder read from any checkpoint
 * ({@link EncoderWeights}), its pooled features (recomputed from augmented images every step when the recipe
 * augments: the paper's protocol), a {@link LinearProbe} trained with LARS, a checkpoint and metrics line per epoch
 * when an output directory is given, and the final top-1/top-5. Built with {@link #builder(LinearProbeRecipe)}, or
 * from a kept run with {@link #resume(Path)}; {@link #run()} carries it out.
 */
public final class LinearProbeRun {
  private final Builder b;

  private LinearProbeRun(Builder b) {
    this.b = b.copy();
  }

  /** A fresh run of {@code recipe} (its classes are replaced by the data's). */
  public static Builder builder(LinearProbeRecipe recipe) {
    return new Builder(recipe, null);
  }

  /**
   * Continues the run kept in {@code dir} after its last finished epoch, with the recipe, data and pooling it
   * recorded; the frozen encoder is read again from where the run read it (the probe's checkpoint does not hold it).
   *
   * @throws IOException when {@code dir} is missing or holds no readable checkpoint
   * @throws IllegalArgumentException when it holds another kind of run
   */
  public static Builder resume(Path dir) throws IOException {
    DownstreamCheckpoint c = RunDirectory.read(dir);
    if (!DownstreamCheckpoint.LINPROBE.equals(c.kind())) {
      throw new IllegalArgumentException(dir + " holds a " + c.kind() + " run, not a "
          + DownstreamCheckpoint.LINPROBE + " run");
    }
    Map<String, String> s = c.settings();
    Builder b = new Builder(RecipeIo.fromJson(c.recipeJson(), LinearProbeRecipe.class), dir);
    b.resumedEpochs = c.epochsDone();
    b.data = DownstreamData.fromSettings(s);
    b.pooling = Boolean.parseBoolean(s.get("cls_token")) ? Pooling.CLS_TOKEN : Pooling.AVERAGE;
    String encoder = s.getOrDefault("encoder_checkpoint", "");
    b.encoder = encoder.isEmpty() ? null : Path.of(encoder);
    String adapt = s.getOrDefault("adapt_channels", "");
    b.adaptChannels = adapt.isEmpty() ? null : ChannelAdaptation.parse(adapt);
    return b;
  }

  /**
   * Runs it: reads the encoder and the data, computes features, trains the probe, evaluates.
   *
   * @throws IllegalArgumentException for a missing checkpoint, data that do not fit the model, an output directory
   *     that already holds a run, or a recipe the resumed run did not record
   * @throws IOException when a checkpoint or the data cannot be read
   */
  public RunResult run() throws IOException {
    LinearProbeRecipe recipe = b.recipe;
    if (b.resumeDir != null) {
      b.log.accept("resuming " + b.resumeDir + " after epoch " + b.resumedEpochs);
    } else {
      recipe = recipe.withNumClasses(b.data.numClasses());
    }
    Map<String, String> settings = new LinkedHashMap<>();
    b.data.saveTo(settings);
    settings.put("cls_token", Boolean.toString(b.pooling == Pooling.CLS_TOKEN));
    settings.put("encoder_checkpoint", b.encoder == null ? "" : b.encoder.toAbsolutePath().normalize().toString());
    settings.put("adapt_channels", b.adaptChannels == null ? "" : b.adaptChannels.name());
    RunDirectory dir = b.resumeDir != null ? RunDirectory.resume(b.resumeDir)
        : b.output == null ? RunDirectory.none() : RunDirectory.create(b.output, settings);
    EncoderWeights w = EncoderWeights.load(b.encoder, recipe.getModel(), b.adaptChannels);
    LabeledData train = b.data.load(FashionMnist.Split.TRAIN, w, recipe, b.log);
    LabeledData test = b.data.load(FashionMnist.Split.TEST, w, recipe, b.log);
    int classes = b.data.numClasses();
    try (VitClassifier m = FrozenEncoder.open(w, classes, b.pooling, b.log)) {
      boolean augmented = !new RandomCropFlip(recipe.getAugmentation(), w.model().getImageSize()).isIdentity();
      Tensor testF = FrozenEncoder.features(m, test, b.dist);
      try (LinearProbe probe = new LinearProbe(m.embedDim(), classes, recipe.isHeadBatchNorm(), recipe.getSeed())) {
        RunResult result = augmented
            ? probe.trainAugmented(recipe, m, train, testF, test.labels(), b.onEpoch, dir, b.stepProgress, b.dist)
            : probe.train(recipe, FrozenEncoder.features(m, train, b.dist), train.labels(), testF, test.labels(),
                b.onEpoch, dir, b.stepProgress, b.dist);
        LabeledData.skipSummary(train, test).ifPresent(b.log);
        return result;
      }
    }
  }

  /** The settings of a {@link LinearProbeRun}; every one but the recipe is optional. */
  public static final class Builder {
    private LinearProbeRecipe recipe;
    private final @Nullable Path resumeDir;
    private int resumedEpochs;
    private @Nullable Path encoder;
    private @Nullable ChannelAdaptation adaptChannels;
    private DownstreamData data = DownstreamData.fashionMnist(0, 0);
    private Pooling pooling = Pooling.AVERAGE;
    private @Nullable Path output;
    private Consumer<String> log = s -> {};
    private Consumer<EpochStats> onEpoch = e -> {};
    private ProgressReporter stepProgress = ProgressReporter.silent();
    private DistributedContext dist = DistributedContext.single();

    private Builder(LinearProbeRecipe recipe, @Nullable Path resumeDir) {
      this.recipe = recipe;
      this.resumeDir = resumeDir;
    }

    /** Runs the recipe for {@code n} epochs (its warmup cut to {@code n − 1} when longer). */
    public Builder epochs(int n) {
      recipe = RecipeEpochs.withEpochs(recipe, recipe.toBuilder(), n);
      return this;
    }

    /**
     * The paper's protocol: a random resized crop (scale 0.08–1) and flip of every training image each epoch,
     * features recomputed by the frozen encoder every step (slower); false keeps the recipe's augmentation.
     */
    public Builder augment(boolean augment) {
      if (augment) {
        recipe = recipe.withAugmentation(Augmentation.linearProbe());
      }
      return this;
    }

    /** The encoder's checkpoint (see {@link EncoderWeights#load}); none (the default): random initialization. */
    public Builder encoder(@Nullable Path checkpoint) {
      this.encoder = checkpoint;
      return this;
    }

    /** How to adapt an encoder of another channel count (default null: refuse it, naming the tensor). */
    public Builder adaptChannels(@Nullable ChannelAdaptation adaptation) {
      this.adaptChannels = adaptation;
      return this;
    }

    /** The labelled data (default: all of Fashion-MNIST). */
    public Builder data(DownstreamData data) {
      this.data = data;
      return this;
    }

    /** What is probed: the mean of the patch tokens (default) or the cls token after the final norm. */
    public Builder pooling(Pooling pooling) {
      this.pooling = pooling;
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

    /** Shows every training step (default: nothing). */
    public Builder stepProgress(ProgressReporter progress) {
      this.stepProgress = progress;
      return this;
    }

    /**
     * Runs as one rank of {@code context} (default: a single process): every rank reads the encoder; the test
     * features (and, without augmentation, the training features) are encoded in shares and gathered
     * ({@link FrozenEncoder#features(VitClassifier, LabeledData, DistributedContext)}); each step's global batch is
     * split into one contiguous block per rank, with the BatchNorm statistics of the whole batch and averaged
     * gradients, so the run equals one process's; rank 0 alone writes the checkpoint and metrics.
     */
    public Builder distributed(DistributedContext context) {
      this.dist = context;
      return this;
    }

    /** The recipe as it stands (before its classes are fitted to the data). */
    public LinearProbeRecipe recipe() {
      return recipe;
    }

    /** The run with these settings (later changes to this builder do not reach it). */
    public LinearProbeRun build() {
      return new LinearProbeRun(this);
    }

    private Builder copy() {
      Builder c = new Builder(recipe, resumeDir);
      c.resumedEpochs = resumedEpochs;
      c.encoder = encoder;
      c.adaptChannels = adaptChannels;
      c.data = data;
      c.pooling = pooling;
      c.output = output;
      c.log = log;
      c.onEpoch = onEpoch;
      c.stepProgress = stepProgress;
      c.dist = dist;
      return c;
    }
  }
}

package io.github.mae4j.torch.downstream.finetune;

import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.OptimizerType;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.data.Seeds;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.GradientReducer;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.downstream.LabeledData;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.aug.RandAugment;
import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.EpochRecorder;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.eval.Evaluation;
import io.github.mae4j.torch.downstream.eval.TopKAccuracy;
import io.github.mae4j.torch.downstream.optim.GroupedAdamW;
import io.github.mae4j.torch.downstream.optim.LayerDecayGroups;
import io.github.mae4j.torch.downstream.optim.ModelEma;
import io.github.mae4j.torch.downstream.optim.ParamGroup;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.run.TensorData;
import io.github.mae4j.torch.run.TrainingDivergedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * End-to-end fine-tuning as MAE's {@code main_finetune.py}: AdamW with layer-wise lr decay, warmup + cosine per
 * iteration, drop path (set on the classifier), Mixup/CutMix with label smoothing (soft-target cross-entropy; plain
 * label smoothing when both alphas are 0), random erasing, gradient accumulation to the effective batch, optional EMA
 * of the weights, the recipe's random resized crop and horizontal flip ({@link
 * io.github.mae4j.torch.downstream.aug.RandomCropFlip}), RandAugment when the recipe names one (applied in pixel
 * space, then normalized again). Checkpoints and resume: {@link RunDirectory}. Partial
 * fine-tuning (the paper's Figure 9): freeze first with
 * {@link VitClassifier#freezeAllButLastBlocks(int)}; frozen parameters are left out of the optimizer.
 */
public final class Finetuner {
  private Finetuner() {}

  /** A classifier shaped by the recipe: its model, classes, pooling and drop path. */
  public static VitClassifier newClassifier(FinetuneRecipe recipe) {
    return new VitClassifier(recipe.getModel(), recipe.getNumClasses(),
        recipe.isGlobalPool() ? Pooling.AVERAGE : Pooling.CLS_TOKEN, recipe.getDropPath(), recipe.getSeed());
  }

  /**
   * Fine-tunes {@code model} on {@code train} and evaluates top-1 on {@code test} after each epoch (with the EMA
   * weights when {@code emaDecay} is given: they are copied into the model at the end).
   */
  public static RunResult run(VitClassifier model, FinetuneRecipe recipe, LabeledData train, LabeledData test,
      OptionalDouble emaDecay, Consumer<EpochStats> progress) {
    return run(model, recipe, train, test, emaDecay, true, progress);
  }

  /**
   * As {@link #run(VitClassifier, FinetuneRecipe, LabeledData, LabeledData, OptionalDouble, Consumer)}; with
   * {@code evaluateEachEpoch} false only the final model is evaluated (epoch statistics then carry NaN top-1).
   */
  public static RunResult run(VitClassifier model, FinetuneRecipe recipe, LabeledData train, LabeledData test,
      OptionalDouble emaDecay, boolean evaluateEachEpoch, Consumer<EpochStats> progress) {
    return run(model, recipe, train, test, emaDecay, evaluateEachEpoch, progress, RunDirectory.none());
  }

  /**
   * As {@link #run(VitClassifier, FinetuneRecipe, LabeledData, LabeledData, OptionalDouble, boolean,
   * Consumer)}, keeping a checkpoint and a metrics line per epoch in {@code dir}, or continuing the run kept there
   * after its last finished epoch. Every epoch draws its randomness (order, crops, flips, RandAugment, mixup,
   * erasing, drop path) from streams seeded by the recipe seed and the epoch, so a resumed run ends with the
   * weights an uninterrupted one has. {@code progress} is called after the epoch's checkpoint is written.
   *
   * @throws IllegalArgumentException when the checkpoint to resume belongs to another recipe, EMA setting or model
   * @throws TrainingDivergedException when the loss becomes NaN or infinite (the last checkpoint is left as it was)
   * @throws java.io.UncheckedIOException when a checkpoint cannot be read or written
   */
  public static RunResult run(VitClassifier model, FinetuneRecipe recipe, LabeledData train, LabeledData test,
      OptionalDouble emaDecay, boolean evaluateEachEpoch, Consumer<EpochStats> progress, RunDirectory dir) {
    return run(model, recipe, train, test, emaDecay, evaluateEachEpoch, progress, dir, ProgressReporter.silent());
  }

  /**
   * As {@link #run(VitClassifier, FinetuneRecipe, LabeledData, LabeledData, OptionalDouble, boolean, Consumer,
   * RunDirectory)}, showing every training step on {@code stepProgress} (epoch, step, loss, lr, images/s, elapsed, ETA;
   * e.g. {@link ProgressReporter#forStderr(double)}, the display {@code mae pretrain} uses).
   */
  public static RunResult run(VitClassifier model, FinetuneRecipe recipe, LabeledData train, LabeledData test,
      OptionalDouble emaDecay, boolean evaluateEachEpoch, Consumer<EpochStats> progress, RunDirectory dir,
      ProgressReporter stepProgress) {
    return run(model, recipe, train, test, emaDecay, evaluateEachEpoch, progress, dir, stepProgress,
        DistributedContext.single());
  }

  /**
   * As {@link #run(VitClassifier, FinetuneRecipe, LabeledData, LabeledData, OptionalDouble, boolean, Consumer,
   * RunDirectory, ProgressReporter)}, as one rank of {@code dist}: the ranks check that they run the same recipe and
   * take rank 0's weights; the recipe's batch per step is the global batch, of which each rank takes a contiguous
   * block of batch / world size images (see {@link FinetuneEpoch} for why the losses and weights are those of one
   * process); gradients are averaged over the ranks; the loss in the statistics is the mean over the ranks; test
   * accuracy is counted by all ranks on their shares of {@code test} and summed; rank 0 alone writes into
   * {@code dir} (the others only read the checkpoint to resume). Every rank returns the same result.
   *
   * @throws IllegalArgumentException when the world size does not divide the batch, or mixup needs an even batch per
   *     process
   */
  public static RunResult run(VitClassifier model, FinetuneRecipe recipe, LabeledData train, LabeledData test,
      OptionalDouble emaDecay, boolean evaluateEachEpoch, Consumer<EpochStats> progress, RunDirectory dir,
      ProgressReporter stepProgress, DistributedContext dist) {
    if (recipe.getOptimizer().getType() != OptimizerType.ADAMW) {
      throw new IllegalArgumentException("fine-tuning uses AdamW, the recipe names " + recipe.getOptimizer().getType());
    }
    if (recipe.getNumClasses() != model.numClasses()) {
      throw new IllegalArgumentException("recipe numClasses (" + recipe.getNumClasses()
          + ") differs from the classifier's (" + model.numClasses() + ")");
    }
    long start = System.nanoTime();
    int batch = recipe.getBatchSizePerStep();
    int accum = Math.max(1, recipe.getAccumulationSteps());
    long n = train.size();
    FinetuneEpoch.checkBatch(recipe, dist); // before any collective: every rank refuses alike
    long steps = n / batch;
    if (steps < accum) {
      throw new IllegalArgumentException("the training set (" + n + ") holds fewer than one effective batch ("
          + (long) batch * accum + ")");
    }
    long stepsPerEpoch = steps / accum * accum;
    Map<String, Tensor> params = model.namedParameters();
    List<ParamGroup> groups =
        LayerDecayGroups.groups(model, recipe.getOptimizer().getWeightDecay(), recipe.getLayerDecay());
    List<String> trainable = groups.stream().flatMap(g -> g.names().stream()).toList();
    Map<String, String> identity = Map.of("ema_decay",
        emaDecay.isPresent() ? Double.toString(emaDecay.getAsDouble()) : "none");
    String recipeJson = RecipeIo.toJson(recipe);
    if (dist.isDistributed()) {
      dist.agree("recipe and seed", Seeds.mix(recipeJson.hashCode(), recipe.getSeed(), recipeJson.length(),
          trainable.hashCode(), identity.hashCode()) + "");
    }
    List<Tensor> trainableTensors = trainable.stream().map(params::get).toList();
    try (GroupedAdamW opt = new GroupedAdamW(groups, recipe.getOptimizer().getBeta1(),
            recipe.getOptimizer().getBeta2(), recipe.getOptimizer().getEps());
        ModelEma ema = emaDecay.isPresent() ? new ModelEma(params, emaDecay.getAsDouble()) : null;
        EpochRecorder rec = EpochRecorder.open(dist.isMain() ? dir : dir.readOnly(), DownstreamCheckpoint.FINETUNE,
            recipeJson, identity, trainable, stepsPerEpoch, stepsPerEpoch * batch);
        GradientReducer reducer = dist.isDistributed()
            ? GradientReducer.create(dist, trainableTensors, dist.environment().gradSync()) : null) {
      Map<String, Tensor> emaLive = ema == null ? Map.of() : prefixed("ema.", ema.shadow());
      rec.resumed().ifPresent(c -> {
        TensorData.copyInto(params, c.model(), "the classifier");
        TensorData.copyInto(emaLive, c.extra(), "the EMA weights");
        opt.loadState(c.optimizer());
      });
      if (dist.isDistributed() && rec.resumed().isEmpty()) {
        try (PointerScope ignored = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
          dist.broadcastFromMain(params.values()); // every rank starts from rank 0's weights
          if (ema != null) {
            dist.broadcastFromMain(ema.shadow().values());
          }
        }
      }
      try (FinetuneEpoch epochs = new FinetuneEpoch(model, recipe, train, opt, ema, params, stepsPerEpoch,
          stepProgress, dist, reducer)) {
        for (int epoch = rec.firstEpoch(); epoch < recipe.getEpochs(); epoch++) {
          long t0 = System.nanoTime();
          double[] lossAndLr = epochs.train(epoch, rec.lastCheckpoint().orElse(null));
          double seconds = (System.nanoTime() - t0) / 1e9;
          double top1 = ema == null && evaluateEachEpoch ? Evaluation.classify(model, test, 512, dist).top1()
              : Double.NaN;
          EpochStats e = new EpochStats(epoch + 1, lossAndLr[0], lossAndLr[1], seconds, top1);
          rec.epochDone(e, () -> new EpochRecorder.Snapshot(TensorData.ofAll(params), opt.saveState(),
              TensorData.ofAll(emaLive)));
          progress.accept(e);
        }
      }
      stepProgress.finish();
      if (ema != null) {
        ema.copyTo(params);
      }
      TopKAccuracy fin = Evaluation.classify(model, test, 512, dist);
      return new RunResult(rec.stats(), fin.top1(), fin.accuracy(1), (System.nanoTime() - start) / 1e9);
    }
  }

  private static Map<String, Tensor> prefixed(String prefix, Map<String, Tensor> m) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(prefix + k, v));
    return out;
  }

  /**
   * normalized batch [N, C, H, W] → RandAugment applied per image in pixel space [0, 1] (geometric ops fill with
   * {@code mean}, as timm's {@code img_mean}), normalized again.
   */
  static Tensor randAugment(RandAugment ra, Tensor normalized, double[] mean, double[] std) {
    long c = normalized.size(1);
    if (mean.length != c) {
      throw new IllegalArgumentException("normalization has " + mean.length + " channels, images have " + c);
    }
    RandAugment filled = ra.withFill(mean);
    float[] m = new float[(int) c];
    float[] s = new float[(int) c];
    for (int i = 0; i < c; i++) {
      m[i] = (float) mean[i];
      s[i] = (float) std[i];
    }
    Tensor mt = Tensors.floats(m, c, 1, 1);
    Tensor st = Tensors.floats(s, c, 1, 1);
    Tensor pixels = normalized.mul(st).add(mt);
    Tensor out = pixels.clone();
    for (long i = 0; i < normalized.size(0); i++) {
      out.select(0, i).copy_(filled.apply(pixels.select(0, i).clamp(new org.bytedeco.pytorch.ScalarOptional(
          new Scalar(0.0)), new org.bytedeco.pytorch.ScalarOptional(new Scalar(1.0)))));
    }
    return out.sub(mt).div(st);
  }
}

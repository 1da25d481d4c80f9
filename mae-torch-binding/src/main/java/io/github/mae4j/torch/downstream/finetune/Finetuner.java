package io.github.mae4j.torch.downstream.finetune;

import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.OptimizerType;
import io.github.mae4j.api.schedule.LrSchedule;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.aug.RandAugment;
import io.github.mae4j.torch.downstream.aug.RandomErasing;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.eval.Evaluation;
import io.github.mae4j.torch.downstream.eval.TopKAccuracy;
import io.github.mae4j.torch.downstream.mix.Mixup;
import io.github.mae4j.torch.downstream.mix.SoftTargetCrossEntropy;
import io.github.mae4j.torch.downstream.optim.GroupedAdamW;
import io.github.mae4j.torch.downstream.optim.LayerDecayGroups;
import io.github.mae4j.torch.downstream.optim.ModelEma;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * End-to-end fine-tuning as MAE's {@code main_finetune.py}: AdamW with layer-wise lr decay, warmup + cosine per
 * iteration, drop path (set on the classifier), Mixup/CutMix with label smoothing (soft-target cross-entropy; plain
 * label smoothing when both alphas are 0), random erasing, gradient accumulation to the effective batch, optional EMA
 * of the weights, RandAugment when the recipe names one (applied in pixel space, then normalized again). Partial
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
  public static RunResult run(VitClassifier model, FinetuneRecipe recipe, LabeledImages train, LabeledImages test,
      OptionalDouble emaDecay, Consumer<EpochStats> progress) {
    return run(model, recipe, train, test, emaDecay, true, progress);
  }

  /**
   * As {@link #run(VitClassifier, FinetuneRecipe, LabeledImages, LabeledImages, OptionalDouble, Consumer)}; with
   * {@code evaluateEachEpoch} false only the final model is evaluated (epoch statistics then carry NaN top-1).
   */
  public static RunResult run(VitClassifier model, FinetuneRecipe recipe, LabeledImages train, LabeledImages test,
      OptionalDouble emaDecay, boolean evaluateEachEpoch, Consumer<EpochStats> progress) {
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
    long steps = n / batch;
    if (steps < accum) {
      throw new IllegalArgumentException("the training set (" + n + ") holds fewer than one effective batch ("
          + (long) batch * accum + ")");
    }
    long updatesPerEpoch = steps / accum;
    LrSchedule schedule = recipe.lrSchedule();
    SplittableRandom random = new SplittableRandom(recipe.getSeed());
    Generator g = torch.createCPUGenerator(recipe.getSeed() + 1);
    boolean mixing = recipe.getMixup() > 0 || recipe.getCutmix() > 0;
    Mixup mixup = new Mixup(recipe.getMixup(), recipe.getCutmix(), recipe.getMixupProb(),
        recipe.getMixupSwitchProb(), recipe.getLabelSmoothing(), recipe.getNumClasses(), random);
    RandomErasing erasing = new RandomErasing(recipe.getAugmentation().getRandomErasing(), random, g);
    String randAugSpec = recipe.getAugmentation().getRandAugment();
    RandAugment randAug = randAugSpec.isEmpty() ? null : RandAugment.parse(randAugSpec, random);
    double[] mean = recipe.getNormalization().getMean();
    double[] std = recipe.getNormalization().getStd();
    List<EpochStats> stats = new ArrayList<>();
    Map<String, Tensor> params = model.namedParameters();
    try (GroupedAdamW opt = new GroupedAdamW(
            LayerDecayGroups.groups(model, recipe.getOptimizer().getWeightDecay(), recipe.getLayerDecay()),
            recipe.getOptimizer().getBeta1(), recipe.getOptimizer().getBeta2());
        ModelEma ema = emaDecay.isPresent() ? new ModelEma(params, emaDecay.getAsDouble()) : null) {
      for (int epoch = 0; epoch < recipe.getEpochs(); epoch++) {
        long t0 = System.nanoTime();
        model.train(true);
        double lossSum = 0;
        double lr = 0;
        Tensor perm = torch.randperm(n, new GeneratorOptional(g), new TensorOptions(torch.ScalarType.Long));
        opt.zeroGrad();
        for (long s = 0; s < updatesPerEpoch * accum; s++) {
          try (PointerScope scope = new PointerScope()) {
            if (s % accum == 0) {
              lr = schedule.at(epoch + (double) (s / accum) / updatesPerEpoch);
              opt.setLearningRate(lr);
            }
            Tensor idx = perm.narrow(0, s * batch, batch);
            Tensor images = train.images().index_select(0, idx);
            if (randAug != null) {
              images = randAugment(randAug, images, mean, std);
            }
            images = erasing.apply(images);
            Tensor labels = train.labels().index_select(0, idx);
            Tensor loss;
            if (mixing) {
              Mixup.Mixed m = mixup.apply(images, labels);
              loss = SoftTargetCrossEntropy.loss(model.forward(m.images()), m.targets());
            } else {
              loss = SoftTargetCrossEntropy.labelSmoothing(model.forward(images), labels, recipe.getLabelSmoothing());
            }
            float value = loss.item_float();
            if (!Float.isFinite(value)) {
              throw new IllegalStateException("fine-tuning loss is " + value + " at epoch " + (epoch + 1)
                  + ", step " + s + "; stopping");
            }
            lossSum += value;
            loss.div(new Scalar((double) accum)).backward();
            if ((s + 1) % accum == 0) {
              opt.step();
              opt.zeroGrad();
              if (ema != null) {
                ema.update(params);
              }
            }
          }
        }
        perm.close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double top1 = ema == null && evaluateEachEpoch ? Evaluation.classify(model, test, 512).top1() : Double.NaN;
        EpochStats e = new EpochStats(epoch + 1, lossSum / (updatesPerEpoch * accum), lr, seconds, top1);
        stats.add(e);
        progress.accept(e);
      }
      if (ema != null) {
        ema.copyTo(params);
      }
    }
    TopKAccuracy fin = Evaluation.classify(model, test, 512);
    return new RunResult(stats, fin.top1(), fin.accuracy(1), (System.nanoTime() - start) / 1e9);
  }

  /** normalized batch [N, C, H, W] → RandAugment applied per image in pixel space [0, 1], normalized again. */
  static Tensor randAugment(RandAugment ra, Tensor normalized, double[] mean, double[] std) {
    long c = normalized.size(1);
    if (mean.length != c) {
      throw new IllegalArgumentException("normalization has " + mean.length + " channels, images have " + c);
    }
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
      out.select(0, i).copy_(ra.apply(pixels.select(0, i).clamp(new org.bytedeco.pytorch.ScalarOptional(
          new Scalar(0.0)), new org.bytedeco.pytorch.ScalarOptional(new Scalar(1.0)))));
    }
    return out.sub(mt).div(st);
  }
}

package io.github.mae4j.torch.downstream.finetune;

import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.schedule.LrSchedule;
import io.github.mae4j.torch.data.Seeds;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.GradientReducer;
import io.github.mae4j.torch.downstream.LabeledData;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.mix.Mixup;
import io.github.mae4j.torch.downstream.mix.SoftTargetCrossEntropy;
import io.github.mae4j.torch.downstream.optim.GroupedAdamW;
import io.github.mae4j.torch.downstream.optim.ModelEma;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.run.TrainingDivergedException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * One fine-tuning epoch: per step the recipe's crop and flip, RandAugment and random erasing ({@link
 * ImageAugmentation}), mixup/cutmix, forward, loss, backward, and an optimizer step (and EMA update) every
 * {@code accumulationSteps} steps.
 *
 * <p>Its randomness depends on nothing but the recipe seed, the epoch, the step and the image, so N processes train
 * as one: the order is a permutation seeded by (seed, epoch); each step's global batch is the next
 * {@code batchSizePerStep} images of it (the tail that fills no batch is dropped, so every process takes the same
 * number of steps) and rank r takes the r-th contiguous block of it; an image's augmentation is seeded by
 * (seed, epoch, image index); mixup's λ, switch and box by (seed, epoch, step), each image mixed with its
 * {@link Mixup.Pairing#ADJACENT adjacent partner} (inside the same block when blocks are even); drop-path masks are
 * drawn for the whole global batch from (seed, epoch, step) and sliced to the block. The gradients of the block's
 * mean loss are averaged over the ranks ({@link GradientReducer}), which is the gradient of the global batch's mean.
 */
final class FinetuneEpoch implements AutoCloseable {
  private final VitClassifier model;
  private final FinetuneRecipe recipe;
  private final LabeledData train;
  private final GroupedAdamW opt;
  private final @Nullable ModelEma ema;
  private final Map<String, Tensor> params;
  private final long steps;
  private final int globalBatch;
  private final int batch;
  private final long offset;
  private final int accum;
  private final LrSchedule schedule;
  private final ImageAugmentation augmentation;
  private final DistributedContext dist;
  private final @Nullable GradientReducer reducer;
  private final ProgressReporter reporter;
  private final long startNanos = System.nanoTime();
  private long stepsDone;

  FinetuneEpoch(VitClassifier model, FinetuneRecipe recipe, LabeledData train, GroupedAdamW opt,
      @Nullable ModelEma ema, Map<String, Tensor> params, long steps, ProgressReporter reporter,
      DistributedContext dist, @Nullable GradientReducer reducer) {
    this.model = model;
    this.recipe = recipe;
    this.train = train;
    this.opt = opt;
    this.ema = ema;
    this.params = params;
    this.steps = steps;
    this.globalBatch = recipe.getBatchSizePerStep();
    this.batch = dist.shardBatch(globalBatch);
    this.offset = (long) dist.rank() * batch;
    this.accum = Math.max(1, recipe.getAccumulationSteps());
    this.schedule = recipe.lrSchedule();
    this.augmentation = new ImageAugmentation(recipe);
    this.dist = dist;
    this.reducer = reducer;
    this.reporter = reporter;
    checkBatch(recipe, dist);
  }

  /**
   * Checks that the ranks of {@code dist} can share the recipe's batch per step: the world size divides it, and with
   * mixup or cutmix (adjacent pairs) each rank's block is even.
   *
   * @throws IllegalArgumentException naming the batch, the number of processes and what to choose
   */
  static void checkBatch(FinetuneRecipe recipe, DistributedContext dist) {
    int globalBatch = recipe.getBatchSizePerStep();
    int batch = dist.shardBatch(globalBatch);
    boolean mixing = recipe.getMixup() > 0 || recipe.getCutmix() > 0;
    if (mixing && dist.isDistributed() && batch % 2 != 0) {
      throw new IllegalArgumentException("mixup/cutmix mixes images 2i and 2i+1 of each step's batch, so the batch "
          + "per process must be even: batch " + globalBatch + " over " + dist.worldSize() + " processes is " + batch
          + " per process (choose a batch divisible by " + 2 * dist.worldSize() + ")");
    }
  }

  /**
   * Trains epoch {@code epoch} (from 0) and returns {mean loss over the ranks, last learning rate}.
   *
   * @param lastGood the newest checkpoint, named when the loss becomes non-finite
   */
  double[] train(int epoch, @Nullable Path lastGood) {
    long seed = recipe.getSeed();
    boolean mixing = recipe.getMixup() > 0 || recipe.getCutmix() > 0;
    long updatesPerEpoch = steps / accum;
    double lossSum = 0;
    double lr = 0;
    model.train(true);
    model.dropPathRows(globalBatch, offset);
    try (Generator g = torch.createCPUGenerator(Seeds.mix(seed, epoch, 1));
        Tensor perm = torch.randperm(train.size(), new GeneratorOptional(g), new TensorOptions(torch.ScalarType.Long))) {
      opt.zeroGrad();
      for (long s = 0; s < steps; s++) {
        try (PointerScope scope = new PointerScope()) {
          if (s % accum == 0) {
            lr = schedule.at(epoch + (double) (s / accum) / updatesPerEpoch);
            opt.setLearningRate(lr);
          }
          boolean update = (s + 1) % accum == 0;
          Tensor idx = perm.narrow(0, s * globalBatch + offset, batch);
          LabeledImages picked = train.gather(idx);
          if (s + 1 < steps) {
            train.prefetch(perm.narrow(0, (s + 1) * globalBatch + offset, batch)); // read while this step computes
          }
          Tensor images = picked.images();
          if (images.size(0) == 0) {
            if (dist.isDistributed()) {
              throw new IllegalStateException("rank " + dist.rank() + ": every image of its share of step " + s
                  + " of epoch " + (epoch + 1) + " was unreadable; a data-parallel job cannot skip a step on one rank");
            }
            continue; // every image of the batch was unreadable and skipped
          }
          long[] ids = images.size(0) == batch ? Tensors.toLongArray(idx) : positions(s, images.size(0));
          images = augmentation.apply(images, ids, epoch);
          Tensor labels = picked.labels();
          model.reseedDropPath(Seeds.mix(seed, epoch, 2, s));
          if (reducer != null) {
            reducer.beforeForward(update);
          }
          Tensor loss;
          if (mixing) {
            Mixup mixup = new Mixup(recipe.getMixup(), recipe.getCutmix(), recipe.getMixupProb(),
                recipe.getMixupSwitchProb(), recipe.getLabelSmoothing(), recipe.getNumClasses(),
                new SplittableRandom(Seeds.mix(seed, epoch, 5, s)), Mixup.Pairing.ADJACENT);
            Mixup.Mixed m = mixup.apply(images, labels);
            loss = SoftTargetCrossEntropy.loss(model.forward(m.images()), m.targets());
          } else {
            loss = SoftTargetCrossEntropy.labelSmoothing(model.forward(images), labels, recipe.getLabelSmoothing());
          }
          double value = loss.item_float();
          double reported = dist.isDistributed() ? dist.allreduceSum(value)[0] / dist.worldSize() : value;
          if (!Double.isFinite(value) || !Double.isFinite(reported)) {
            String what = !Double.isFinite(value)
                ? "fine-tuning loss is " + value + (dist.isDistributed() ? " on rank " + dist.rank() : "")
                : "fine-tuning loss is non-finite on another rank (mean over ranks " + reported + ")";
            throw new TrainingDivergedException(what, epoch * steps + s, epoch + 1, lr,
                "step " + s + " of epoch " + (epoch + 1) + " (check the data, or lower the learning rate)", lastGood);
          }
          lossSum += reported;
          Tensor scaled = loss.div(new Scalar((double) accum));
          GradientReducer.backward(reducer, scaled, update);
          if (update) {
            opt.step();
            opt.zeroGrad();
            if (ema != null) {
              ema.update(params);
            }
          }
          report(epoch, s, reported, lr);
        }
      }
    } finally {
      model.dropPathRows(0, 0);
    }
    return new double[] {lossSum / steps, lr};
  }

  /** Seeds for a batch that lost unreadable images: their positions in the epoch's order (still rank-independent). */
  private long[] positions(long step, long n) {
    long[] p = new long[(int) n];
    for (int i = 0; i < n; i++) {
      p[i] = -1 - (step * globalBatch + offset + i);
    }
    return p;
  }

  /** Where the run stands after step {@code s} of {@code epoch}; rates and ETA from the steps run in this process. */
  private void report(int epoch, long s, double loss, double lr) {
    stepsDone++;
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    long iter = epoch * steps + s;
    long total = recipe.getEpochs() * steps;
    double perStep = elapsed / stepsDone;
    reporter.update(new ProgressReporter.Snapshot(epoch, recipe.getEpochs(), iter, total, loss, lr,
        globalBatch / perStep, elapsed, perStep * (total - iter - 1)));
  }

  @Override
  public void close() {
    augmentation.close();
  }
}

package io.github.mae4j.torch.downstream.finetune;

import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.schedule.LrSchedule;
import io.github.mae4j.torch.data.Seeds;
import io.github.mae4j.torch.downstream.LabeledData;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.aug.RandAugment;
import io.github.mae4j.torch.downstream.aug.RandomCropFlip;
import io.github.mae4j.torch.downstream.aug.RandomErasing;
import io.github.mae4j.torch.downstream.mix.Mixup;
import io.github.mae4j.torch.downstream.mix.SoftTargetCrossEntropy;
import io.github.mae4j.torch.downstream.optim.GroupedAdamW;
import io.github.mae4j.torch.downstream.optim.ModelEma;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
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
import io.github.mae4j.torch.run.ProgressReporter;
import org.jspecify.annotations.Nullable;

/**
 * One fine-tuning epoch: shuffle, per batch the recipe's crop and flip, RandAugment, random erasing, mixup/cutmix,
 * forward, loss, backward, and an optimizer step (and EMA update) every {@code accumulationSteps} batches. Its
 * random streams are seeded by (recipe seed, epoch) alone: order and erasing noise from a libtorch generator,
 * crops and flips, RandAugment, mixup and erasing boxes from Java generators, drop path from the model's generator.
 */
final class FinetuneEpoch {
  private final VitClassifier model;
  private final FinetuneRecipe recipe;
  private final LabeledData train;
  private final GroupedAdamW opt;
  private final @Nullable ModelEma ema;
  private final Map<String, Tensor> params;
  private final long steps;
  private final int batch;
  private final int accum;
  private final LrSchedule schedule;
  private final RandomCropFlip cropFlip;
  private final ProgressReporter reporter;
  private final long startNanos = System.nanoTime();
  private long stepsDone;

  FinetuneEpoch(VitClassifier model, FinetuneRecipe recipe, LabeledData train, GroupedAdamW opt,
      @Nullable ModelEma ema, Map<String, Tensor> params, long steps, ProgressReporter reporter) {
    this.model = model;
    this.recipe = recipe;
    this.train = train;
    this.opt = opt;
    this.ema = ema;
    this.params = params;
    this.steps = steps;
    this.batch = recipe.getBatchSizePerStep();
    this.accum = Math.max(1, recipe.getAccumulationSteps());
    this.schedule = recipe.lrSchedule();
    this.cropFlip = new RandomCropFlip(recipe.getAugmentation(), recipe.getModel().getImageSize(),
        recipe.getModel().getImageWidth());
    this.reporter = reporter;
  }

  /**
   * Trains epoch {@code epoch} (from 0) and returns {mean loss, last learning rate}.
   *
   * @param lastGood the newest checkpoint, named when the loss becomes non-finite
   */
  double[] train(int epoch, @Nullable Path lastGood) {
    long seed = recipe.getSeed();
    SplittableRandom random = new SplittableRandom(Seeds.mix(seed, epoch, 0));
    SplittableRandom cropRandom = new SplittableRandom(Seeds.mix(seed, epoch, 3));
    model.reseedDropPath(Seeds.mix(seed, epoch, 2));
    boolean mixing = recipe.getMixup() > 0 || recipe.getCutmix() > 0;
    Mixup mixup = new Mixup(recipe.getMixup(), recipe.getCutmix(), recipe.getMixupProb(),
        recipe.getMixupSwitchProb(), recipe.getLabelSmoothing(), recipe.getNumClasses(), random);
    String randAugSpec = recipe.getAugmentation().getRandAugment();
    RandAugment randAug = randAugSpec.isEmpty() ? null : RandAugment.parse(randAugSpec, random);
    double[] mean = recipe.getNormalization().getMean();
    double[] std = recipe.getNormalization().getStd();
    long updatesPerEpoch = steps / accum;
    double lossSum = 0;
    double lr = 0;
    model.train(true);
    try (Generator g = torch.createCPUGenerator(Seeds.mix(seed, epoch, 1));
        Tensor perm = torch.randperm(train.size(), new GeneratorOptional(g), new TensorOptions(torch.ScalarType.Long))) {
      RandomErasing erasing = new RandomErasing(recipe.getAugmentation().getRandomErasing(), random, g);
      opt.zeroGrad();
      for (long s = 0; s < steps; s++) {
        try (PointerScope scope = new PointerScope()) {
          if (s % accum == 0) {
            lr = schedule.at(epoch + (double) (s / accum) / updatesPerEpoch);
            opt.setLearningRate(lr);
          }
          Tensor idx = perm.narrow(0, s * batch, batch);
          LabeledImages picked = train.gather(idx);
          if (s + 1 < steps) {
            train.prefetch(perm.narrow(0, (s + 1) * batch, batch)); // read while this step computes
          }
          Tensor images = picked.images();
          if (images.size(0) == 0) {
            continue; // every image of the batch was unreadable and skipped
          }
          if (!cropFlip.isIdentity()) {
            images = cropFlip.apply(images, cropRandom);
          }
          if (randAug != null) {
            images = Finetuner.randAugment(randAug, images, mean, std);
          }
          images = erasing.apply(images);
          Tensor labels = picked.labels();
          Tensor loss;
          if (mixing) {
            Mixup.Mixed m = mixup.apply(images, labels);
            loss = SoftTargetCrossEntropy.loss(model.forward(m.images()), m.targets());
          } else {
            loss = SoftTargetCrossEntropy.labelSmoothing(model.forward(images), labels, recipe.getLabelSmoothing());
          }
          float value = loss.item_float();
          if (!Float.isFinite(value)) {
            throw new TrainingDivergedException("fine-tuning loss is " + value, epoch * steps + s, epoch + 1, lr,
                "step " + s + " of epoch " + (epoch + 1) + " (check the data, or lower the learning rate)", lastGood);
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
          report(epoch, s, value, lr);
        }
      }
    }
    return new double[] {lossSum / steps, lr};
  }

  /** Where the run stands after step {@code s} of {@code epoch}; rates and ETA from the steps run in this process. */
  private void report(int epoch, long s, double loss, double lr) {
    stepsDone++;
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    long iter = epoch * steps + s;
    long total = recipe.getEpochs() * steps;
    double perStep = elapsed / stepsDone;
    reporter.update(new ProgressReporter.Snapshot(epoch, recipe.getEpochs(), iter, total, loss, lr,
        batch / perStep, elapsed, perStep * (total - iter - 1)));
  }
}

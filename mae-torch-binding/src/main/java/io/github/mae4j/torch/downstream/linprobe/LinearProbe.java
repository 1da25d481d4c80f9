package io.github.mae4j.torch.downstream.linprobe;

import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.OptimizerType;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.api.schedule.LrSchedule;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.data.Seeds;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.GradientReducer;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.downstream.LabeledData;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.EpochRecorder;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.eval.TopKAccuracy;
import io.github.mae4j.torch.downstream.optim.Lars;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.run.TensorData;
import io.github.mae4j.torch.run.TrainingDivergedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BatchNorm1dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The linear-probe head of MAE: {@code head.0} BatchNorm1d without affine (eps 1e-6) then {@code head.1} linear,
 * weight N(0, 0.01²), bias 0, trained with LARS on frozen features computed once and reused every epoch
 * ({@link #train}), or, as the reference probe does, computed every step from images given the recipe's random
 * resized crop and flip ({@link #trainAugmented}). The Fashion-MNIST probe recipe has no augmentation. It holds its
 * libtorch module ({@link #module()}) rather than being one.
 */
public final class LinearProbe implements AutoCloseable {
  private final Module module;
  private final Module head; // held: a Java-constructed module must outlive the native one (virtual callbacks)
  private final BatchNorm1dImpl bn;
  private final LinearImpl linear;
  private boolean closed;

  public LinearProbe(int dim, int numClasses, boolean batchNorm, long seed) {
    Torch.load();
    module = new Module();
    head = module.register_module("head", new Module());
    if (batchNorm) {
      BatchNormOptions o = new BatchNormOptions(dim);
      o.affine().put(false);
      o.eps().put(1e-6);
      bn = head.register_module("0", new BatchNorm1dImpl(o));
    } else {
      bn = null;
    }
    linear = head.register_module(batchNorm ? "1" : "0", new LinearImpl(dim, numClasses));
    Generator g = torch.createCPUGenerator(seed);
    try (NoGradGuard guard = new NoGradGuard()) {
      linear.weight().normal_(0.0, 0.01, new GeneratorOptional(g));
      linear.bias().zero_();
    }
  }

  /**
   * The libtorch module holding {@code head.0} / {@code head.1} (BatchNorm statistics included), for what needs
   * libtorch itself (optimizers, archives).
   */
  public Module module() {
    if (closed) {
      throw new IllegalStateException("LinearProbe is closed");
    }
    return module;
  }

  /** features [N, D] → logits [N, classes]. */
  public Tensor forward(Tensor features) {
    if (closed) {
      throw new IllegalStateException("LinearProbe is closed");
    }
    return linear.forward(bn == null ? features : bn.forward(features));
  }

  /**
   * features [n, D] (this rank's rows of a global batch, no gradient) → logits [n, classes], in training mode with
   * the BatchNorm statistics of the whole global batch ({@link SyncBatchNorm}).
   */
  Tensor forwardTraining(Tensor features, DistributedContext dist) {
    if (closed) {
      throw new IllegalStateException("LinearProbe is closed");
    }
    return linear.forward(bn == null ? features : SyncBatchNorm.forwardTraining(bn, features, dist));
  }

  /**
   * Trains the probe on frozen features with LARS and the recipe's warmup + cosine schedule (peak
   * {@code blr × effectiveBatch / 256}, batches of the effective size), evaluating top-1 after every epoch.
   * trainFeatures [N, D], trainLabels [N], testFeatures [M, D], testLabels [M].
   */
  public RunResult train(LinearProbeRecipe recipe, Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures,
      Tensor testLabels, Consumer<EpochStats> progress) {
    return train(recipe, trainFeatures, trainLabels, testFeatures, testLabels, progress, RunDirectory.none());
  }

  /**
   * As {@link #train(LinearProbeRecipe, Tensor, Tensor, Tensor, Tensor, Consumer)}, keeping a checkpoint (the
   * probe's tensors, the LARS momentum buffers by name) and a metrics line per epoch in {@code dir}, or continuing
   * the run kept there. Each epoch's order comes from a generator seeded by the recipe seed and the epoch, so a
   * resumed run ends with the weights an uninterrupted one has.
   *
   * @throws IllegalArgumentException when the checkpoint to resume belongs to another recipe or probe shape
   * @throws TrainingDivergedException when the loss becomes NaN or infinite (the last checkpoint is left as it was)
   */
  public RunResult train(LinearProbeRecipe recipe, Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures,
      Tensor testLabels, Consumer<EpochStats> progress, RunDirectory dir) {
    return train(recipe, trainFeatures, trainLabels, testFeatures, testLabels, progress, dir,
        ProgressReporter.silent());
  }

  /**
   * As {@link #train(LinearProbeRecipe, Tensor, Tensor, Tensor, Tensor, Consumer, RunDirectory)}, showing every
   * training step on {@code stepProgress} (epoch, step, loss, lr, images/s, elapsed, ETA), as the fine-tuner does.
   */
  public RunResult train(LinearProbeRecipe recipe, Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures,
      Tensor testLabels, Consumer<EpochStats> progress, RunDirectory dir, ProgressReporter stepProgress) {
    return train(recipe, trainFeatures, trainLabels, testFeatures, testLabels, progress, dir, stepProgress,
        DistributedContext.single());
  }

  /**
   * As {@link #train(LinearProbeRecipe, Tensor, Tensor, Tensor, Tensor, Consumer, RunDirectory, ProgressReporter)},
   * as one rank of {@code dist} (every rank holding all the features): each step's global batch (the effective
   * batch) is split into contiguous blocks, one per rank; the BatchNorm statistics are those of the global batch
   * ({@link SyncBatchNorm}); gradients are averaged over the ranks; the logged loss is the mean over the ranks; test
   * accuracy is counted by all ranks on their shares and summed; rank 0 alone writes into {@code dir}. The result
   * equals one process's.
   *
   * @throws IllegalArgumentException when the world size does not divide the effective batch
   */
  public RunResult train(LinearProbeRecipe recipe, Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures,
      Tensor testLabels, Consumer<EpochStats> progress, RunDirectory dir, ProgressReporter stepProgress,
      DistributedContext dist) {
    return train(recipe, trainFeatures.size(0), (epoch, idx) -> new StepBatch(trainFeatures.index_select(0, idx),
        trainLabels.index_select(0, idx)), Map.of(), testFeatures, testLabels, progress, dir, stepProgress, dist);
  }

  /**
   * The reference protocol: as {@link #train(LinearProbeRecipe, Tensor, Tensor, Tensor, Tensor, Consumer,
   * RunDirectory)}, but the training features of every step are computed by the frozen {@code encoder} from the
   * step's images after the recipe's random resized crop and flip ({@link AugmentedFeatures}), drawn anew each epoch
   * from a generator seeded by the recipe seed and the epoch. Test features are given (no augmentation).
   * train images [N, C, H, W], labels [N]; testFeatures [M, D], testLabels [M].
   */
  public RunResult trainAugmented(LinearProbeRecipe recipe, VitClassifier encoder, LabeledData train,
      Tensor testFeatures, Tensor testLabels, Consumer<EpochStats> progress, RunDirectory dir) {
    return trainAugmented(recipe, encoder, train, testFeatures, testLabels, progress, dir, ProgressReporter.silent());
  }

  /**
   * As {@link #trainAugmented(LinearProbeRecipe, VitClassifier, LabeledData, Tensor, Tensor, Consumer,
   * RunDirectory)}, showing every training step on {@code stepProgress}.
   */
  public RunResult trainAugmented(LinearProbeRecipe recipe, VitClassifier encoder, LabeledData train,
      Tensor testFeatures, Tensor testLabels, Consumer<EpochStats> progress, RunDirectory dir,
      ProgressReporter stepProgress) {
    return trainAugmented(recipe, encoder, train, testFeatures, testLabels, progress, dir, stepProgress,
        DistributedContext.single());
  }

  /**
   * As {@link #trainAugmented(LinearProbeRecipe, VitClassifier, LabeledData, Tensor, Tensor, Consumer, RunDirectory,
   * ProgressReporter)}, as one rank of {@code dist}: each rank augments and encodes only its block of each step (an
   * image's crop and flip are seeded by (seed, epoch, image index)), the rest as the distributed
   * {@link #train(LinearProbeRecipe, Tensor, Tensor, Tensor, Tensor, Consumer, RunDirectory, ProgressReporter,
   * DistributedContext)}.
   */
  public RunResult trainAugmented(LinearProbeRecipe recipe, VitClassifier encoder, LabeledData train,
      Tensor testFeatures, Tensor testLabels, Consumer<EpochStats> progress, RunDirectory dir,
      ProgressReporter stepProgress, DistributedContext dist) {
    AugmentedFeatures features = new AugmentedFeatures(encoder, train, recipe.getAugmentation(),
        recipe.getModel().getImageSize(), recipe.getModel().getImageWidth(), recipe.getSeed());
    return train(recipe, train.size(), features, Map.of("features", "augmented every epoch"), testFeatures,
        testLabels, progress, dir, stepProgress, dist);
  }

  /**
   * A step's training features [B', D] and their labels [B']: B' is less than the step's B when images read from
   * disk were unreadable (each is left out with its label).
   */
  record StepBatch(Tensor features, Tensor labels) {}

  /** The training features of one step: rows {@code idx} [B] of the training set in {@code epoch}. */
  @FunctionalInterface
  interface StepFeatures {
    StepBatch of(int epoch, Tensor idx);
  }

  private RunResult train(LinearProbeRecipe recipe, long n, StepFeatures trainFeatures, Map<String, String> identity,
      Tensor testFeatures, Tensor testLabels, Consumer<EpochStats> progress, RunDirectory dir,
      ProgressReporter stepProgress, DistributedContext dist) {
    if (recipe.getOptimizer().getType() != OptimizerType.LARS) {
      throw new IllegalArgumentException("linear probing uses LARS, the recipe names " + recipe.getOptimizer().getType());
    }
    long start = System.nanoTime();
    // features are small: one step takes the whole effective batch, so no accumulation is needed
    int batch = (int) Math.min(recipe.getEffectiveBatchSize(), n);
    long steps = Math.max(1, n / batch); // drop_last, as the reference loader
    int local = dist.shardBatch(batch); // the global batch of a step, split into one contiguous block per rank
    long offset = (long) dist.rank() * local;
    LrSchedule schedule = recipe.lrSchedule();
    Map<String, Tensor> trained = new LinkedHashMap<>();
    String prefix = "head." + (bn == null ? "0" : "1") + ".";
    trained.put(prefix + "weight", linear.weight());
    trained.put(prefix + "bias", linear.bias());
    List<Tensor> params = List.copyOf(trained.values());
    String recipeJson = RecipeIo.toJson(recipe);
    if (dist.isDistributed()) {
      dist.agree("recipe and seed", Seeds.mix(recipeJson.hashCode(), recipe.getSeed(), recipeJson.length(),
          identity.hashCode(), n) + "");
    }
    try (Lars lars = new Lars(params, schedule.at(0), recipe.getOptimizer().getWeightDecay(),
            recipe.getOptimizer().getMomentum(), recipe.getOptimizer().getTrustCoefficient());
        EpochRecorder rec = EpochRecorder.open(dist.isMain() ? dir : dir.readOnly(), DownstreamCheckpoint.LINPROBE,
            recipeJson, identity, List.copyOf(trained.keySet()), steps, steps * batch);
        GradientReducer reducer = dist.isDistributed()
            ? GradientReducer.create(dist, params, dist.environment().gradSync()) : null) {
      Map<String, Tensor> momentum = new LinkedHashMap<>();
      int i = 0;
      for (String name : trained.keySet()) {
        momentum.put("momentum." + name, lars.momentumBuffers().get(i++));
      }
      rec.resumed().ifPresent(c -> {
        TensorData.copyInto(namedTensors(), c.model(), "the linear probe");
        TensorData.copyInto(momentum, c.extra(), "the LARS momentum");
      });
      if (dist.isDistributed() && rec.resumed().isEmpty()) {
        try (PointerScope ignored = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
          dist.broadcastFromMain(namedTensors().values()); // every rank starts from rank 0's probe
        }
      }
      long stepsDone = 0;
      for (int epoch = rec.firstEpoch(); epoch < recipe.getEpochs(); epoch++) {
        long t0 = System.nanoTime();
        double lossSum = 0;
        module.train(true);
        try (Generator g = torch.createCPUGenerator(Seeds.mix(recipe.getSeed(), epoch));
            Tensor perm = torch.randperm(n, new GeneratorOptional(g), new TensorOptions(torch.ScalarType.Long))) {
          for (long s = 0; s < steps; s++) {
            try (PointerScope scope = new PointerScope()) {
              lars.setLearningRate(schedule.at(epoch + (double) s / steps));
              Tensor idx = perm.narrow(0, s * batch + offset, local);
              StepBatch step = trainFeatures.of(epoch, idx);
              boolean empty = step.labels().size(0) == 0;
              if (empty && !dist.isDistributed()) {
                continue; // every image of the step was unreadable (told and counted by the data)
              }
              if (reducer != null) {
                reducer.beforeForward(true);
              }
              Tensor logits = forwardTraining(step.features(), dist);
              // a rank whose whole block was unreadable still takes part in every collective, with a zero loss
              Tensor loss = empty ? logits.sum().mul(new org.bytedeco.pytorch.Scalar(0.0))
                  : torch.cross_entropy(logits, step.labels());
              double mine = loss.item_float();
              double value = dist.isDistributed() ? dist.allreduceSum(mine)[0] / dist.worldSize() : mine;
              if (!Double.isFinite(value)) {
                throw new TrainingDivergedException("linear-probe loss is " + value
                    + (dist.isDistributed() ? " (mean over the ranks; rank " + dist.rank() + " had " + mine + ")" : ""),
                    epoch * steps + s, epoch + 1, lars.learningRate(), "step " + s + " of epoch " + (epoch + 1)
                        + " (check the features, or lower the learning rate)", rec.lastCheckpoint().orElse(null));
              }
              lars.zeroGrad();
              GradientReducer.backward(reducer, loss, true);
              lars.step();
              lossSum += value;
              double elapsed = (System.nanoTime() - start) / 1e9;
              long iter = epoch * steps + s;
              long total = recipe.getEpochs() * steps;
              double perStep = elapsed / (++stepsDone);
              stepProgress.update(new ProgressReporter.Snapshot(epoch, recipe.getEpochs(), iter, total, value,
                  lars.learningRate(), batch / perStep, elapsed, perStep * (total - iter - 1)));
            }
          }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        TopKAccuracy acc = evaluate(testFeatures, testLabels, 4096, dist);
        EpochStats e = new EpochStats(epoch + 1, lossSum / steps, lars.learningRate(), seconds, acc.top1());
        rec.epochDone(e, () -> new EpochRecorder.Snapshot(TensorData.ofAll(namedTensors()), new byte[0],
            TensorData.ofAll(momentum)));
        progress.accept(e);
      }
      stepProgress.finish();
      TopKAccuracy fin = evaluate(testFeatures, testLabels, 4096, dist);
      return new RunResult(rec.stats(), fin.top1(), fin.accuracy(1), (System.nanoTime() - start) / 1e9);
    }
  }

  /** The probe's parameters and buffers (BatchNorm running statistics) by name: {@code head.0.running_mean}, ... */
  public Map<String, Tensor> namedTensors() {
    if (closed) {
      throw new IllegalStateException("LinearProbe is closed");
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (StringTensorDict dict : new StringTensorDict[] {module.named_parameters(true), module.named_buffers(true)}) {
      for (long i = 0; i < dict.size(); i++) {
        out.put(dict.get(i).key().getString(), new Tensor(dict.get(i).value()));
      }
    }
    return out;
  }

  /** Top-1 and top-5 on features [M, D] / labels [M], in evaluation mode. */
  public TopKAccuracy evaluate(Tensor features, Tensor labels, int batch) {
    return evaluate(features, labels, batch, DistributedContext.single());
  }

  /**
   * Top-1 and top-5 on features [M, D] / labels [M] shared by the ranks of {@code dist}: rank r classifies the r-th
   * of W contiguous slices and the counts are summed, so every rank returns one process's accuracy.
   */
  public TopKAccuracy evaluate(Tensor features, Tensor labels, int batch, DistributedContext dist) {
    TopKAccuracy acc = new TopKAccuracy(1, 5);
    boolean was = module.is_training();
    module.train(false);
    long m = features.size(0);
    long to = m * (dist.rank() + 1) / dist.worldSize();
    for (long s = m * dist.rank() / dist.worldSize(); s < to; s += batch) {
      try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
        long len = Math.min(batch, to - s);
        acc.add(forward(features.narrow(0, s, len)), labels.narrow(0, s, len));
      }
    }
    module.train(was);
    return dist.isDistributed() ? acc.summedOver(dist) : acc;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      module.close();
    }
  }
}

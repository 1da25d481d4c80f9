package io.github.mae4j.torch.train;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.data.Seeds;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.GradientReducer;
import io.github.mae4j.torch.internal.AdamWFactory;
import io.github.mae4j.torch.internal.TrainingAdamW;
import io.github.mae4j.torch.nn.NonFiniteLossException;
import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.run.TrainingDivergedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link TrainingPlan} on a model, data and device: AdamW with a weight-decay group and a no-decay group,
 * the learning rate set on every group at each optimizer step from the fractional epoch (warmup + cosine),
 * gradient accumulation (each loss divided by the steps), optional autocast (bf16; fp16 with a loss scaler) and
 * gradient clipping, each iteration in its own {@link PointerScope}. A NaN or infinite loss stops the run with a
 * {@link TrainingDivergedException}; a checkpoint is never written from non-finite weights. Checkpoints resume
 * exactly: a run stopped and resumed yields the losses of an uninterrupted run.
 *
 * <p>The model, data and progress display belong to the caller; {@link #close()} releases the optimizer and the
 * masking generator.
 */
public final class Trainer implements AutoCloseable {

  /** Sees every iteration (tests record losses and learning rates with it). */
  @FunctionalInterface
  public interface IterationListener {
    void onIteration(long iteration, int epoch, double loss, double lr);
  }

  final TrainingPlan plan;
  final PretrainModel model;
  final TrainingData data;
  final TrainerSettings settings;
  final ProgressReporter progress;
  final Device device;
  final TrainingAdamW optimizer;
  final List<Tensor> trainable = new ArrayList<>();
  final Generator generator;
  final @Nullable LossScaler scaler;
  final CheckpointStore store;
  final TrainerState state = new TrainerState();
  private IterationListener listener = (i, e, l, lr) -> {};
  @Nullable KnnMonitoring knnSchedule;
  @Nullable KnnProbe knnProbe;
  @Nullable DistributedContext dist;
  @Nullable GradientReducer reducer;
  /** Set at the first step: whether batches are split across the cores ({@link CoreShards}). */
  private CoreShards.@Nullable Decision shardDecision;
  private @Nullable CoreShards shards;
  private boolean closed;
  private final int atenThreadsBefore;
  /** The precision that runs: the settings' one, except bf16 on a CPU where it does not pay ({@link CpuBf16}). */
  private final Precision precision;

  public Trainer(TrainingPlan plan, PretrainModel model, TrainingData data, TrainerSettings settings,
      ProgressReporter progress) {
    Torch.load();
    this.plan = plan;
    this.model = model;
    this.data = data;
    this.settings = settings;
    this.progress = progress;
    this.device = new Device(settings.device());
    if (device.is_cuda() && !Torch.cudaAvailable()) {
      throw new IllegalArgumentException("device " + settings.device() + " was asked for but CUDA is not available");
    }
    if (settings.precision() == Precision.FP16 && !device.is_cuda()) {
      throw new IllegalArgumentException("precision fp16 needs a CUDA device, got " + settings.device()
          + " (use bf16 or fp32 on the CPU)");
    }
    if (settings.precision() == Precision.BF16 && !device.is_cuda()) {
      CpuBf16.Decision d = CpuBf16.decide(Precision.BF16);
      this.precision = d.precision();
      progress.message("precision: " + d.reason());
    } else {
      this.precision = settings.precision();
    }
    if (data.batchesPerEpoch() < 1) {
      throw new IllegalArgumentException("the data holds no complete batch of " + data.batchSize()
          + " images: use a smaller batch size or more images");
    }
    List<Tensor> decay = model.decayParameters();
    List<Tensor> noDecay = model.noDecayParameters();
    trainable.addAll(decay);
    trainable.addAll(noDecay);
    if (trainable.isEmpty()) {
      throw new IllegalArgumentException("the model has no trainable parameters");
    }
    this.optimizer = TrainingAdamW.create(
        List.of(new AdamWFactory.Group(decay, plan.weightDecay()), new AdamWFactory.Group(noDecay, 0.0)),
        new AdamWFactory.Hyper(plan.lr(), plan.beta1(), plan.beta2(), plan.eps()));
    this.generator = torch.createCPUGenerator(plan.seed());
    this.scaler = precision == Precision.FP16
        ? new LossScaler(LossScaler.INITIAL_SCALE, 0, 2000) : null;
    this.store = new CheckpointStore(settings.outDir());
    // bf16 kernels on the CPU run in ATen's pool: give it the cores for this run, restored by close()
    this.atenThreadsBefore = precision == Precision.BF16 && !device.is_cuda()
        ? Torch.atenThreadsForBf16() : -1;
  }

  /** Measures k-NN top-1 accuracy in [0, 1] between epochs (see {@link #monitorKnn}). */
  @FunctionalInterface
  public interface KnnProbe {
    double top1();
  }

  /**
   * Measures k-NN accuracy after every {@code schedule.everyEpochs()} epochs and after the last: {@code probe} runs
   * between epochs, outside the iteration scopes; its result goes to the epoch's metrics line ({@code knn_top1}), a
   * progress message and the following progress lines. The probe must leave the model's training flag, its weights
   * and every random generator as it found them (so a monitored run has the losses of an unmonitored one).
   */
  public Trainer monitorKnn(KnnMonitoring schedule, KnnProbe probe) {
    this.knnSchedule = schedule;
    this.knnProbe = probe;
    return this;
  }

  /**
   * Runs this trainer as one rank of {@code context}: at the start of {@link #run()} the ranks check that they
   * follow the same recipe and seed and take rank 0's weights; each image's mask is then drawn from (seed, epoch,
   * image index) — so the losses do not depend on the number of processes — the gradients of each accumulation
   * window are averaged over the ranks by {@code mode}, the loss shown and logged is the mean over the ranks, and
   * only rank 0 writes checkpoints, metrics and plots. The data must be this rank's shard
   * ({@link PretrainData#open(io.github.mae4j.api.recipe.PretrainRecipe, String, long, int, int, int)}) and report
   * its dataset indices. A context of one process gives the same masks as N processes.
   */
  public Trainer distributed(DistributedContext context, GradientReducer.Mode mode) {
    checkOpen();
    if (reducer != null) {
      throw new IllegalStateException("this trainer already runs distributed (" + dist + ")");
    }
    this.dist = context;
    this.reducer = GradientReducer.create(context, trainable, mode);
    return this;
  }

  /** Whether this process writes checkpoints, metrics and plots (rank 0, or a trainer that is not distributed). */
  public boolean writes() {
    return dist == null || dist.isMain();
  }

  /** The gradient averaging of a distributed run, when there is one. */
  public java.util.Optional<GradientReducer> gradientReducer() {
    return java.util.Optional.ofNullable(reducer);
  }

  /** Registers a listener that sees every iteration. */
  public Trainer onIteration(IterationListener l) {
    this.listener = l;
    return this;
  }

  /** The next global iteration to run. */
  public long iteration() {
    return state.iteration;
  }

  /** The epoch in progress (or the number of epochs done, at the end). */
  public int epoch() {
    return state.epoch;
  }

  /** The checkpoints of this run. */
  public CheckpointStore checkpoints() {
    return store;
  }

  /**
   * Restores model weights, optimizer state, masking-generator state, loss scale and schedule position from a
   * checkpoint, so that {@link #run()} continues exactly where the checkpointed run was.
   *
   * @throws IllegalArgumentException when the checkpoint's tensors do not match the model's
   */
  public void resume(TrainingCheckpoint c) {
    checkOpen();
    Checkpoints.restore(this, c);
    state.resumed = true;
  }

  /** The run's state now, on the Java heap (must be at an optimizer-step boundary to resume exactly). */
  public TrainingCheckpoint snapshot() {
    checkOpen();
    return Checkpoints.capture(this);
  }

  /**
   * Runs to the end of the plan (or to {@code maxIterations}), writing checkpoints, metrics and the loss plot.
   *
   * @throws TrainingDivergedException when the loss or the weights become non-finite
   * @throws IOException when a checkpoint, metrics or plot file cannot be written
   */
  public RunSummary run() throws IOException {
    checkOpen();
    if (dist != null && dist.isDistributed()) {
      dist.agree("recipe and seed", Seeds.mix(plan.recipeJson().hashCode(), plan.seed(),
          plan.recipeJson().length()) + "");
      try (PointerScope ignored = new PointerScope()) {
        dist.broadcastFromMain(model.namedTensors().values());
      }
    }
    return new TrainingLoop(this).run();
  }

  // ---- one iteration ---------------------------------------------------------------------------------------

  /** Sets {@code lr} on every parameter group. */
  void setLr(double lr) {
    for (int i = 0; i < optimizer.groupCount(); i++) {
      optimizer.setLr(i, lr);
    }
  }

  /** The learning rate of parameter group {@code i} now. */
  double lrOfGroup(int i) {
    return optimizer.lr(i);
  }

  /**
   * Runs one batch: forward (under autocast when asked), loss check, backward of loss / accumulation steps, and
   * at the end of an accumulation window clipping and the optimizer update. Runs in the caller's scope.
   *
   * @return the batch's loss
   */
  double step(Tensor images, int @Nullable [] indices, boolean update) {
    Tensor x = device.is_cuda() ? images.to(device, torch.ScalarType.Float) : images;
    if (shardDecision == null) {
      shardDecision = CoreShards.decide(model, x, precision, trainable,
          reducer != null && reducer.mode() == GradientReducer.Mode.REDUCER && dist != null && dist.isDistributed(),
          line -> progress.message("cpu: " + line));
      shards = CoreShards.of(shardDecision, trainable);
      if (!shardDecision.reason().isEmpty()) {
        progress.message("cpu: " + shardDecision.reason());
      }
    }
    if (shards != null) {
      return splitStep(x, images, indices, update, shards);
    }
    Tensor loss = null;
    double value;
    DeviceType type = device.is_cuda() ? DeviceType.CUDA : DeviceType.CPU;
    if (reducer != null) {
      reducer.beforeForward(update);
    }
    try (Autocast ignored = Autocast.enter(type, precision)) {
      loss = dist == null ? model.loss(x, generator)
          : model.lossWithNoise(x, maskNoise(indices, images.size(0)));
      value = loss.item_double();
    } catch (NonFiniteLossException e) {
      value = e.loss();
    }
    double reported = meanOverRanksIfFinite(value, images);
    if (loss == null) {
      throw new IllegalStateException("a finite loss (" + value + ") without its tensor");
    }
    Tensor scaled = plan.accumulationSteps() == 1 ? loss : loss.div(new Scalar(plan.accumulationSteps()));
    if (scaler != null) {
      scaled = scaler.scaleLoss(scaled);
    }
    GradientReducer.backward(reducer, scaled, update);
    return finishStep(reported, update);
  }

  /**
   * {@link #step} with the batch split across the cores: the masking key is drawn for the whole batch (the same
   * masks as a whole batch), each core runs its shard's forward and backward, and the gradients are added up.
   */
  private double splitStep(Tensor x, Tensor images, int @Nullable [] indices, boolean update, CoreShards split) {
    if (reducer != null) {
      reducer.beforeForward(update);
    }
    Tensor noise = dist == null ? model.sampleNoise(x.size(0), generator) : maskNoise(indices, x.size(0));
    double value = split.forwardBackward(model, x, noise, precision, 1.0 / plan.accumulationSteps()).loss();
    double reported = meanOverRanksIfFinite(value, images);
    GradientReducer.afterSplitBackward(reducer, update);
    return finishStep(reported, update);
  }

  /**
   * The batch's loss as logged: the mean over the ranks of a distributed run (one small allreduce per batch, so
   * that every rank learns of a non-finite loss anywhere), else {@code value}.
   *
   * @throws TrainingDivergedException when this rank's loss or the mean is non-finite
   */
  private double meanOverRanksIfFinite(double value, Tensor images) {
    boolean distributed = dist != null && dist.isDistributed();
    double reported = distributed ? dist.allreduceSum(value)[0] / dist.worldSize() : value;
    if (!Double.isFinite(value)) {
      throw diverged("a non-finite loss (" + value + ")" + (distributed ? " on rank " + dist.rank() : ""),
          Diagnosis.of(images, model, precision));
    }
    if (!Double.isFinite(reported)) {
      throw diverged("a non-finite loss on another rank (mean over ranks " + reported + ")",
          "the rank whose loss was non-finite reports its diagnosis");
    }
    return reported;
  }

  /** The end of a step: at the end of an accumulation window, clipping and the optimizer update. */
  private double finishStep(double value, boolean update) {
    if (update) {
      boolean finite = scaler == null || scaler.unscale(trainable);
      if (finite) {
        if (plan.clipGradNorm().isPresent()) {
          torch.clip_grad_norm_(new TensorVector(trainable.toArray(new Tensor[0])),
              plan.clipGradNorm().getAsDouble());
        }
        optimizer.step();
      }
      if (scaler != null) {
        scaler.update(finite);
      }
      optimizer.zeroGrad();
      state.optimizerSteps++;
    }
    listener.onIteration(state.iteration, state.epoch, value, state.lr);
    return value;
  }

  /** The masking key of a batch, each image's row drawn from (seed, epoch, dataset index): → noise [N, L]. */
  private Tensor maskNoise(int @Nullable [] indices, long n) {
    if (indices == null || indices.length != n) {
      throw new IllegalStateException("a distributed run needs the dataset index of every image in the batch");
    }
    Tensor[] rows = new Tensor[indices.length];
    for (int i = 0; i < indices.length; i++) {
      Generator g = torch.createCPUGenerator(Seeds.mix(plan.seed(), MASK_STREAM, state.epoch, indices[i]));
      rows[i] = model.sampleNoise(1, g);
    }
    return torch.cat(new TensorVector(rows));
  }

  private static final long MASK_STREAM = 0x6D61736BL;

  TrainingDivergedException diverged(String what, String diagnosis) {
    return new TrainingDivergedException(what, state.iteration, state.epoch, state.lr, diagnosis,
        state.lastGoodCheckpoint);
  }

  /** Writes the newest checkpoint (and {@code copy}, when given) after checking that the weights are finite. */
  Path checkpoint(@Nullable Path copy) throws IOException {
    String bad = Diagnosis.nonFiniteTensor(model);
    if (bad != null) {
      throw diverged("non-finite weights (" + bad + ") after the update",
          "the optimizer step made the weights NaN or infinite — the learning rate is probably too high");
    }
    if (!writes()) {
      return store.last();
    }
    TrainingCheckpoint c = snapshot();
    Path last = store.last();
    CheckpointFile.write(c, last);
    state.lastGoodCheckpoint = last;
    if (copy != null) {
      CheckpointFile.write(c, copy);
    }
    return last;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("trainer is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (reducer != null) {
        reducer.close();
      }
      if (shards != null) {
        shards.close();
      }
      optimizer.close();
      generator.close();
      if (atenThreadsBefore > 0 && Torch.atenThreads() != atenThreadsBefore) {
        Torch.setThreads(atenThreadsBefore, Torch.blasThreads());
      }
    }
  }
}

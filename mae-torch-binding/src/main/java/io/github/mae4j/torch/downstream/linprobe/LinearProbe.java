package io.github.mae4j.torch.downstream.linprobe;

import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.OptimizerType;
import io.github.mae4j.api.schedule.LrSchedule;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.eval.TopKAccuracy;
import io.github.mae4j.torch.downstream.optim.Lars;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BatchNorm1dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The linear-probe head of MAE: {@code head.0} BatchNorm1d without affine (eps 1e-6) then {@code head.1} linear,
 * weight N(0, 0.01²), bias 0, trained with LARS on frozen features. Since the encoder is frozen and the reference
 * linear probe uses no augmentation beyond crop/flip, features can be computed once and reused every epoch
 * ({@link #train}).
 */
public final class LinearProbe extends Module implements AutoCloseable {
  private final Module head; // held: a Java-constructed module must outlive the native one (virtual callbacks)
  private final BatchNorm1dImpl bn;
  private final LinearImpl linear;
  private boolean closed;

  public LinearProbe(int dim, int numClasses, boolean batchNorm, long seed) {
    Torch.load();
    head = register_module("head", new Module());
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

  /** features [N, D] → logits [N, classes]. */
  public Tensor forward(Tensor features) {
    if (closed) {
      throw new IllegalStateException("LinearProbe is closed");
    }
    return linear.forward(bn == null ? features : bn.forward(features));
  }

  /**
   * Trains the probe on frozen features with LARS and the recipe's warmup + cosine schedule (peak
   * {@code blr × effectiveBatch / 256}, batches of the effective size), evaluating top-1 after every epoch. trainFeatures [N, D], trainLabels [N], testFeatures [M, D], testLabels [M].
   */
  public RunResult train(LinearProbeRecipe recipe, Tensor trainFeatures, Tensor trainLabels, Tensor testFeatures,
      Tensor testLabels, Consumer<EpochStats> progress) {
    if (recipe.getOptimizer().getType() != OptimizerType.LARS) {
      throw new IllegalArgumentException("linear probing uses LARS, the recipe names " + recipe.getOptimizer().getType());
    }
    long start = System.nanoTime();
    long n = trainFeatures.size(0);
    // features are small: one step takes the whole effective batch, so no accumulation is needed
    int batch = (int) Math.min(recipe.getEffectiveBatchSize(), n);
    long steps = Math.max(1, n / batch); // drop_last, as the reference loader
    LrSchedule schedule = recipe.lrSchedule();
    List<Tensor> params = List.of(linear.weight(), linear.bias());
    Generator g = torch.createCPUGenerator(recipe.getSeed());
    List<EpochStats> stats = new ArrayList<>();
    try (Lars lars = new Lars(params, schedule.at(0), recipe.getOptimizer().getWeightDecay(),
        recipe.getOptimizer().getMomentum(), recipe.getOptimizer().getTrustCoefficient())) {
      for (int epoch = 0; epoch < recipe.getEpochs(); epoch++) {
        long t0 = System.nanoTime();
        double lossSum = 0;
        train(true);
        Tensor perm = torch.randperm(n, new GeneratorOptional(g), new TensorOptions(torch.ScalarType.Long));
        for (long s = 0; s < steps; s++) {
          try (PointerScope scope = new PointerScope()) {
            lars.setLearningRate(schedule.at(epoch + (double) s / steps));
            Tensor idx = perm.narrow(0, s * batch, batch);
            Tensor logits = forward(trainFeatures.index_select(0, idx));
            Tensor loss = torch.cross_entropy(logits, trainLabels.index_select(0, idx));
            lars.zeroGrad();
            loss.backward();
            lars.step();
            lossSum += loss.item_float();
          }
        }
        perm.close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        TopKAccuracy acc = evaluate(testFeatures, testLabels, 4096);
        EpochStats e = new EpochStats(epoch + 1, lossSum / steps, lars.learningRate(), seconds, acc.top1());
        stats.add(e);
        progress.accept(e);
      }
    }
    TopKAccuracy fin = evaluate(testFeatures, testLabels, 4096);
    return new RunResult(stats, fin.top1(), fin.accuracy(1), (System.nanoTime() - start) / 1e9);
  }

  /** Top-1 and top-5 on features [M, D] / labels [M], in evaluation mode. */
  public TopKAccuracy evaluate(Tensor features, Tensor labels, int batch) {
    TopKAccuracy acc = new TopKAccuracy(1, 5);
    boolean was = is_training();
    train(false);
    for (long s = 0; s < features.size(0); s += batch) {
      try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
        long len = Math.min(batch, features.size(0) - s);
        acc.add(forward(features.narrow(0, s, len)), labels.narrow(0, s, len));
      }
    }
    train(was);
    return acc;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      super.close();
    }
  }
}

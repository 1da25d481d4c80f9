package io.github.mae4j.torch.train;

import io.github.mae4j.api.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** Captures a trainer's state into a {@link TrainingCheckpoint} and restores one into a trainer. */
final class Checkpoints {
  private Checkpoints() {}

  static TrainingCheckpoint capture(Trainer t) {
    TrainerState s = t.state;
    Map<String, TensorData> model = new LinkedHashMap<>();
    byte[] generator;
    try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : t.model.namedTensors().entrySet()) {
        model.put(e.getKey(), TensorData.of(e.getValue()));
      }
      generator = TensorData.of(t.generator.get_state()).bytes();
    }
    return new TrainingCheckpoint(s.epoch, s.batchInEpoch, s.iteration, s.optimizerSteps, s.epochLossSum,
        s.epochLossCount, s.lastLoss, model, OptimizerState.save(t.optimizer), generator,
        t.scaler == null ? 1.0 : t.scaler.scale(), t.scaler == null ? 0 : t.scaler.goodSteps(),
        t.plan.recipeJson(), Json.write(t.settings), Provenance.now(t.settings.device()));
  }

  static void restore(Trainer t, TrainingCheckpoint c) {
    Map<String, Tensor> live = t.model.namedTensors();
    if (!live.keySet().equals(c.model().keySet())) {
      Set<String> missing = new TreeSet<>(live.keySet());
      missing.removeAll(c.model().keySet());
      Set<String> unexpected = new TreeSet<>(c.model().keySet());
      unexpected.removeAll(live.keySet());
      throw new IllegalArgumentException("checkpoint does not match the model: missing " + missing
          + ", unexpected " + unexpected);
    }
    try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : live.entrySet()) {
        TensorData d = c.model().get(e.getKey());
        Tensor target = e.getValue();
        long[] shape = TensorData.shapeOf(target);
        if (!java.util.Arrays.equals(shape, d.shape())) {
          throw new IllegalArgumentException("checkpoint tensor " + e.getKey() + " has shape "
              + java.util.Arrays.toString(d.shape()) + ", the model expects " + java.util.Arrays.toString(shape));
        }
        target.copy_(d.toTensor());
      }
      t.generator.set_state(new TensorData("Byte", new long[] {c.generator().length}, c.generator()).toTensor());
    }
    OptimizerState.load(t.optimizer, c.optimizer());
    if (t.scaler != null) {
      t.scaler.restore(c.lossScale(), c.lossScaleGoodSteps());
    }
    TrainerState s = t.state;
    s.epoch = c.epoch();
    s.batchInEpoch = c.batchInEpoch();
    s.iteration = c.iteration();
    s.optimizerSteps = c.optimizerSteps();
    s.epochLossSum = c.epochLossSum();
    s.epochLossCount = c.epochLossCount();
    s.lastLoss = c.lastLoss();
  }
}

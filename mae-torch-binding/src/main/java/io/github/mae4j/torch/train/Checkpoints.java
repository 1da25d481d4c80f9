package io.github.mae4j.torch.train;

import io.github.mae4j.api.Json;
import io.github.mae4j.torch.run.Provenance;
import io.github.mae4j.torch.run.TensorData;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;

/** Captures a trainer's state into a {@link TrainingCheckpoint} and restores one into a trainer. */
final class Checkpoints {
  private Checkpoints() {}

  static TrainingCheckpoint capture(Trainer t) {
    TrainerState s = t.state;
    Map<String, TensorData> model = TensorData.ofAll(t.model.namedTensors());
    byte[] generator;
    try (PointerScope ignored = new PointerScope()) {
      generator = TensorData.of(t.generator.get_state()).bytes();
    }
    return new TrainingCheckpoint(s.epoch, s.batchInEpoch, s.iteration, s.optimizerSteps, s.epochLossSum,
        s.epochLossCount, s.lastLoss, model, t.optimizer.saveState(), generator,
        t.scaler == null ? 1.0 : t.scaler.scale(), t.scaler == null ? 0 : t.scaler.goodSteps(),
        t.plan.recipeJson(), Json.write(t.settings), Provenance.now(t.settings.device()));
  }

  static void restore(Trainer t, TrainingCheckpoint c) {
    TensorData.copyInto(t.model.namedTensors(), c.model(), "the model");
    try (PointerScope ignored = new PointerScope()) {
      t.generator.set_state(new TensorData("Byte", new long[] {c.generator().length}, c.generator()).toTensor());
    }
    // the plan's betas, eps and weight decay rule over those the archive was written with (swapped betas in
    // checkpoints from before the betas fix)
    t.optimizer.loadState(c.optimizer());
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

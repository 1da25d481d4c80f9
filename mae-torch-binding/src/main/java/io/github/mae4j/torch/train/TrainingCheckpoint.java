package io.github.mae4j.torch.train;

import io.github.mae4j.torch.run.TensorData;
import java.util.Map;

/**
 * Everything a run needs to continue exactly where it stopped, held on the Java heap.
 *
 * @param epoch the epoch to continue in (from 0)
 * @param batchInEpoch the next batch index within that epoch (0 at an epoch boundary)
 * @param iteration global iterations done: the next iteration to run (schedule position)
 * @param optimizerSteps optimizer updates done
 * @param epochLossSum sum of the losses of {@code epoch}'s iterations run so far (for the epoch mean)
 * @param epochLossCount number of those iterations
 * @param lastLoss the loss of the last iteration before the checkpoint (NaN when none ran)
 * @param model the model's named tensors
 * @param optimizer the optimizer's state in libtorch archive form
 * @param generator the masking generator's state ({@code Generator.get_state()} bytes)
 * @param lossScale the fp16 loss scale (1 when no scaler is used)
 * @param lossScaleGoodSteps finite steps since the scale last changed
 * @param recipeJson the recipe the run follows, as JSON
 * @param settingsJson the trainer settings of the run, as JSON
 * @param provenance who wrote it: mae4j, libtorch, JVM and OS versions, time
 */
public record TrainingCheckpoint(
    int epoch,
    long batchInEpoch,
    long iteration,
    long optimizerSteps,
    double epochLossSum,
    long epochLossCount,
    double lastLoss,
    Map<String, TensorData> model,
    byte[] optimizer,
    byte[] generator,
    double lossScale,
    long lossScaleGoodSteps,
    String recipeJson,
    String settingsJson,
    Map<String, String> provenance) {

  public TrainingCheckpoint {
    model = Map.copyOf(model);
    provenance = Map.copyOf(provenance);
  }

  @Override
  public String toString() {
    return "TrainingCheckpoint[epoch " + epoch + ", batch " + batchInEpoch + ", iteration " + iteration
        + ", " + model.size() + " tensors]";
  }
}

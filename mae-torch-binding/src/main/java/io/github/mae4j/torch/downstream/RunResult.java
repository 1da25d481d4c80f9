package io.github.mae4j.torch.downstream;

import java.util.List;

/**
 * The outcome of a fine-tuning or linear-probing run.
 *
 * @param epochs per-epoch statistics
 * @param top1 final top-1 accuracy on the evaluation set
 * @param top5 final top-5 accuracy on the evaluation set
 * @param seconds total wall time (training and evaluation)
 */
public record RunResult(List<EpochStats> epochs, double top1, double top5, double seconds) {
  public RunResult {
    epochs = List.copyOf(epochs);
  }
}

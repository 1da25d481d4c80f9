package io.github.mae4j.torch.downstream;

/**
 * One finished epoch of a downstream run.
 *
 * @param epoch 1-based
 * @param trainLoss mean training loss over the epoch
 * @param learningRate the peak-group learning rate at the epoch's last step
 * @param seconds wall time of the epoch (training only)
 * @param testTop1 top-1 accuracy on the evaluation set after the epoch (NaN when not evaluated)
 */
public record EpochStats(int epoch, double trainLoss, double learningRate, double seconds, double testTop1) {}

package io.github.mae4j.api.recipe;

/** The optimizers the paper's recipes use. */
public enum OptimizerType {
  /** Adam with decoupled weight decay (Loshchilov and Hutter): pretraining and fine-tuning. */
  ADAMW,
  /** SGD with momentum and layer-wise adaptive rate scaling (You et al.): linear probing. */
  LARS
}

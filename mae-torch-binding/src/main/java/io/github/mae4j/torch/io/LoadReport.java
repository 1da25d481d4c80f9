package io.github.mae4j.torch.io;

import java.util.List;

/**
 * What loading a state dict did.
 *
 * @param loaded names copied into the module
 * @param missing names the module has and the state dict lacks
 * @param unexpected names the state dict has and the module lacks
 * @param shapeMismatches {@code "name: expected [..], got [..]"} for names present in both with different shapes
 */
public record LoadReport(
    List<String> loaded, List<String> missing, List<String> unexpected, List<String> shapeMismatches) {
  public LoadReport {
    loaded = List.copyOf(loaded);
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
    shapeMismatches = List.copyOf(shapeMismatches);
  }

  /** True when every name matched with the right shape. */
  public boolean isComplete() {
    return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty();
  }

  /** One line listing the problems (or "complete"). */
  public String summary() {
    if (isComplete()) {
      return "complete (" + loaded.size() + " tensors)";
    }
    return "missing keys " + missing + ", unexpected keys " + unexpected + ", shape mismatches " + shapeMismatches;
  }
}

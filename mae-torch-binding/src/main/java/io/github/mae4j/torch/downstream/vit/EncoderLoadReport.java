package io.github.mae4j.torch.downstream.vit;

import java.util.List;

/**
 * What {@link VitClassifier#loadEncoder} did.
 *
 * @param loaded classifier parameters taken from the checkpoint
 * @param missing classifier parameters the checkpoint lacks (they keep their initialization: head, fc_norm, …)
 * @param unexpected checkpoint entries the classifier has no use for (decoder, mask token, …)
 * @param posEmbedResized whether {@code pos_embed} was interpolated to the classifier's grid
 */
public record EncoderLoadReport(
    List<String> loaded, List<String> missing, List<String> unexpected, boolean posEmbedResized) {
  public EncoderLoadReport {
    loaded = List.copyOf(loaded);
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
  }
}

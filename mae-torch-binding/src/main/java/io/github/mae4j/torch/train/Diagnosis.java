package io.github.mae4j.torch.train;

import io.github.mae4j.torch.internal.NonFinite;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/** Says what produced a non-finite loss: the input batch, the weights, or the forward pass itself. */
final class Diagnosis {
  private Diagnosis() {}

  static String of(Tensor images, PretrainModel model, Precision precision) {
    long bad = NonFinite.count(images);
    if (bad > 0) {
      return "the input batch holds " + bad + " non-finite pixel values of " + images.numel()
          + " (check the data and its normalization)";
    }
    String tensor = nonFiniteTensor(model);
    if (tensor != null) {
      return "the weights are non-finite (" + tensor + ") after the previous update — the learning rate is "
          + "probably too high";
    }
    return "the forward pass overflowed with finite inputs and weights"
        + (precision == Precision.FP16 ? " in fp16 (try bf16)" : "")
        + " — lower the learning rate or clip gradients";
  }

  /** The name of the first model tensor holding NaN or infinity, or null when all are finite. */
  static @Nullable String nonFiniteTensor(PretrainModel model) {
    try (PointerScope ignored = new PointerScope()) {
      return NonFinite.firstTensor(model.namedTensors());
    }
  }
}

package io.github.mae4j.torch.nn;

import io.github.mae4j.torch.internal.NonFinite;
import io.github.mae4j.torch.io.StateDict;
import org.bytedeco.pytorch.Tensor;

/** Turns a NaN or infinite loss into a {@link NonFiniteLossException} that says where it came from. */
final class FiniteCheck {
  private FiniteCheck() {}

  static void requireFinite(Tensor loss, Tensor images, MaeModule module) {
    if (loss.isfinite().item_bool()) {
      return;
    }
    String badParam = NonFinite.firstTensor(StateDict.of(module));
    String context = (NonFinite.count(images) == 0 ? "input images are finite" : "input images contain NaN or Inf")
        + (badParam == null ? ", parameters are finite" : ", parameter " + badParam + " is not finite");
    throw new NonFiniteLossException(loss.detach().item_float(), context);
  }
}

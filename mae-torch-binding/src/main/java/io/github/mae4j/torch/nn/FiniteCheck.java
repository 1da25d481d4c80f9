package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/** Turns a NaN or infinite loss into a {@link NonFiniteLossException} that says where it came from. */
final class FiniteCheck {
  private FiniteCheck() {}

  static void requireFinite(Tensor loss, Tensor images, MaeModule module) {
    if (loss.isfinite().item_bool()) {
      return;
    }
    try (NoGradGuard guard = new NoGradGuard()) {
      boolean imagesFinite = images.isfinite().all().item_bool();
      String badParam = null;
      TensorVector params = module.parameters(true);
      for (long i = 0; i < params.size() && badParam == null; i++) {
        if (!params.get(i).isfinite().all().item_bool()) {
          badParam = module.named_parameters(true).get(i).key().getString();
        }
      }
      String context = (imagesFinite ? "input images are finite" : "input images contain NaN or Inf")
          + (badParam == null ? ", parameters are finite" : ", parameter " + badParam + " is not finite");
      throw new NonFiniteLossException(loss.detach().item_float(), context);
    }
  }
}

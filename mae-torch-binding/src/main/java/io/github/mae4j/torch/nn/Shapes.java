package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Tensor;

/** Shape text for messages: {@code [2, 3, 16, 16] float32}. */
final class Shapes {
  private Shapes() {}

  static String of(Tensor t) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < t.dim(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(t.size(i));
    }
    return sb.append("] ").append(dtypeName(t)).toString();
  }

  static String dtypeName(Tensor t) {
    return t.scalar_type().intern().toString().toLowerCase(java.util.Locale.ROOT);
  }
}

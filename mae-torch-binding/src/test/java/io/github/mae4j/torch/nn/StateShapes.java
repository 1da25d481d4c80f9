package io.github.mae4j.torch.nn;

import org.bytedeco.pytorch.Tensor;

final class StateShapes {
  private StateShapes() {}

  static long[] of(Tensor t) {
    long[] s = new long[(int) t.dim()];
    for (int i = 0; i < s.length; i++) {
      s[i] = t.size(i);
    }
    return s;
  }
}

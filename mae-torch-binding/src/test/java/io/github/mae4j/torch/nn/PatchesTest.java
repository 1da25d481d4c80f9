package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.TensorData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class PatchesTest {

  @Test
  void patchify_referenceLayout_pixelRowsThenChannelsLast() {
    Torch.load();
    try (PointerScope s = new PointerScope()) {
      int n = 1, c = 2, h = 4, w = 6, p = 2;
      float[] v = new float[n * c * h * w];
      for (int i = 0; i < v.length; i++) {
        v[i] = i;
      }
      Tensor img = TensorData.fromFloats(v, n, c, h, w);
      float[] out = TensorData.toFloatArray(MaskedAutoencoder.patchify(img, p));
      int gw = w / p;
      // 'nchpwq->nhwpqc': patch (i, j), pixel (pp, q), channel ch
      for (int i = 0; i < h / p; i++) {
        for (int j = 0; j < gw; j++) {
          for (int pp = 0; pp < p; pp++) {
            for (int q = 0; q < p; q++) {
              for (int ch = 0; ch < c; ch++) {
                float expected = v[(ch * h + i * p + pp) * w + j * p + q];
                int k = i * gw + j;
                assertThat(out[(k * p * p + pp * p + q) * c + ch]).isEqualTo(expected);
              }
            }
          }
        }
      }
      Tensor back = MaskedAutoencoder.unpatchify(MaskedAutoencoder.patchify(img, p), p, c, h / p, w / p);
      assertThat(TensorData.toFloatArray(back)).containsExactly(v);
    }
  }

  @Test
  void unpatchify_squareGrid_roundTripsAnyChannelCount() {
    Torch.load();
    try (PointerScope s = new PointerScope()) {
      for (int c : new int[] {1, 3, 5}) {
        Tensor img = torch.rand(2, c, 12, 12);
        Tensor back = MaskedAutoencoder.unpatchify(MaskedAutoencoder.patchify(img, 4), 4, c);
        assertThat(TensorData.toFloatArray(back)).containsExactly(TensorData.toFloatArray(img));
      }
    }
  }
}

package io.github.mae4j.torch.downstream;

import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.data.IdxDataset;
import io.github.mae4j.torch.data.Sample;
import org.bytedeco.pytorch.Tensor;
import java.io.IOException;

/** Fashion-MNIST (the Debian package's files, see {@link FashionMnist#debian}) as normalized in-memory tensors. */
public final class FashionMnistImages {
  private FashionMnistImages() {}

  /**
   * The first {@code limit} images of a split (all when {@code limit <= 0}), normalized with Fashion-MNIST's
   * mean/std: images [N, 1, 28, 28], labels [N].
   */
  public static LabeledImages load(FashionMnist.Split split, int limit) throws IOException {
    IdxDataset ds = FashionMnist.debian(split);
    int n = limit > 0 ? Math.min(limit, ds.size()) : ds.size();
    Normalization norm = Normalization.fashionMnist();
    float mean = (float) norm.getMean()[0];
    float std = (float) norm.getStd()[0];
    int plane = ds.height() * ds.width();
    float[] px = new float[n * plane];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      Sample s = ds.read(i);
      float[] chw = s.chw();
      for (int j = 0; j < plane; j++) {
        px[i * plane + j] = (chw[j] - mean) / std;
      }
      labels[i] = s.label();
    }
    return new LabeledImages(Tensor.create(px, n, 1, ds.height(), ds.width()), Tensor.create(labels, n));
  }
}

package io.github.mae4j.samples;

import io.github.mae4j.torch.data.Batch;
import io.github.mae4j.torch.data.DataLoader;
import io.github.mae4j.torch.data.EpochIterator;
import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.Normalization;
import io.github.mae4j.torch.data.PretrainTransform;
import io.github.mae4j.torch.data.SyntheticDataset;
import io.github.mae4j.torch.data.Transform;
import org.bytedeco.pytorch.Tensor;

/** The data pipeline on its own: a dataset, a transform, batches (docs/data-pipeline.md). */
public final class DataPipeline {
  private DataPipeline() {}

  /** Loads {@code epochs} epochs of {@code images} synthetic images at {@code size} px; returns the batches seen. */
  public static int run(int images, int size, int epochs) {
    int batches = 0;
    // tag::loader[]
    ImageDataset ds = SyntheticDataset.of(images, size, 3, 0);       // built in, no download
    // ImageFolderDataset.open(Path.of("/data/train"), 3)           // JPEG/PNG/.tif/.npy, class sub-folders → labels
    // FashionMnist.debian(FashionMnist.Split.TRAIN)                // Debian's dataset-fashion-mnist
    // IdxDataset.open(images, labels)                              // any MNIST-format IDX pair, .gz or not
    Transform t = PretrainTransform.randomResizedCrop(size).hflip().normalize(Normalization.imagenet());
    try (DataLoader loader = DataLoader.builder(ds).batchSize(8).workers(2).prefetch(4).seed(0)
        .transform(t).dropLast(true).build()) {
      for (int epoch = 0; epoch < epochs; epoch++) {
        try (EpochIterator it = loader.epoch(epoch)) {
          while (it.hasNext()) {
            try (Batch b = it.next()) {
              Tensor x = b.images();        // [N, C, H, W] float32, shares the batch's off-heap memory
              long[] y = b.labels();        // -1 where the dataset has no labels
              batches += x.size(0) == y.length ? 1 : 0;
            }
          }
        }
      }
    }
    // end::loader[]
    return batches;
  }
}

package io.github.mae4j.torch.downstream.finetune;

import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.torch.data.Seeds;
import io.github.mae4j.torch.downstream.aug.RandAugment;
import io.github.mae4j.torch.downstream.aug.RandomCropFlip;
import io.github.mae4j.torch.downstream.aug.RandomErasing;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * The fine-tuning recipe's per-image augmentation — random resized crop and flip, RandAugment, random erasing — with
 * every image's draws (crop box, flip, ops, erased box and its noise) from a stream seeded by (seed, epoch, image
 * index) alone: an image is augmented alike whichever process, batch or position takes it, so a data-parallel job
 * sees the images one process sees.
 */
final class ImageAugmentation implements AutoCloseable {
  private final long seed;
  private final RandomCropFlip cropFlip;
  private final @Nullable RandAugment randAugShape;
  private final double erasing;
  private final double[] mean;
  private final double[] std;
  private final Generator noise = torch.createCPUGenerator(0);

  ImageAugmentation(FinetuneRecipe recipe) {
    this.seed = recipe.getSeed();
    this.cropFlip = new RandomCropFlip(recipe.getAugmentation(), recipe.getModel().getImageSize(),
        recipe.getModel().getImageWidth());
    String spec = recipe.getAugmentation().getRandAugment();
    this.randAugShape = spec.isEmpty() ? null : RandAugment.parse(spec, new SplittableRandom(0));
    this.erasing = recipe.getAugmentation().getRandomErasing();
    this.mean = recipe.getNormalization().getMean();
    this.std = recipe.getNormalization().getStd();
  }

  /**
   * images [N, C, H, W] (normalized) → augmented [N, C, size, width]; image i is dataset image {@code ids[i]}.
   *
   * @throws IllegalArgumentException when ids and images differ in count
   */
  Tensor apply(Tensor images, long[] ids, int epoch) {
    if (images.size(0) != ids.length) {
      throw new IllegalArgumentException(ids.length + " image indices for " + images.size(0) + " images");
    }
    if (cropFlip.isIdentity() && randAugShape == null && erasing == 0) {
      return images;
    }
    Tensor[] out = new Tensor[ids.length];
    for (int i = 0; i < ids.length; i++) {
      SplittableRandom r = new SplittableRandom(Seeds.mix(seed, epoch, 3, ids[i]));
      Tensor img = images.narrow(0, i, 1);
      if (!cropFlip.isIdentity()) {
        img = cropFlip.apply(img, r);
      }
      if (randAugShape != null) {
        RandAugment ra = new RandAugment(randAugShape.numOps(), randAugShape.magnitude(), randAugShape.magnitudeStd(),
            r);
        img = Finetuner.randAugment(ra, img, mean, std);
      }
      if (erasing > 0) {
        noise.set_current_seed(r.nextLong());
        img = new RandomErasing(erasing, r, noise).apply(img);
      }
      out[i] = img;
    }
    return torch.cat(new TensorVector(out));
  }

  @Override
  public void close() {
    noise.close();
  }
}

package io.github.mae4j.torch.downstream.linprobe;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.torch.data.Seeds;
import io.github.mae4j.torch.downstream.aug.RandomCropFlip;
import io.github.mae4j.torch.downstream.eval.Evaluation;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.util.SplittableRandom;
import io.github.mae4j.torch.downstream.LabeledData;
import org.bytedeco.pytorch.Tensor;

/**
 * Training features for the reference linear-probe protocol: the frozen encoder's features of the step's images
 * after the recipe's random resized crop and horizontal flip, drawn for every image from a generator seeded by
 * (seed, epoch, image index), so an epoch's features depend neither on the epochs before it (a resumed run sees the
 * same) nor on which process of a data-parallel job encodes the image.
 * Images go through the encoder in chunks of {@value #CHUNK} (the effective batch can be far larger).
 */
final class AugmentedFeatures implements LinearProbe.StepFeatures {
  static final int CHUNK = 256;

  private final VitClassifier encoder;
  private final LabeledData images;
  private final RandomCropFlip cropFlip;
  private final long seed;

  AugmentedFeatures(VitClassifier encoder, LabeledData images, Augmentation augmentation, int height, int width,
      long seed) {
    this.encoder = encoder;
    this.images = images;
    this.cropFlip = new RandomCropFlip(augmentation, height, width);
    this.seed = seed;
  }

  /** idx [B] → features [B, D] of the augmented images, without gradients. */
  @Override
  public Tensor of(int epoch, Tensor idx) {
    long b = idx.size(0);
    Tensor out = Tensors.zeros(b, encoder.embedDim());
    for (long s = 0; s < b; s += CHUNK) {
      long len = Math.min(CHUNK, b - s);
      Tensor chunk = images.gather(idx.narrow(0, s, len)).images();
      if (chunk.size(0) != len) {
        throw new IllegalArgumentException("unreadable images in the training set: augmented linear probing does not "
            + "skip them yet (remove them, or probe without augmentation)");
      }
      if (!cropFlip.isIdentity()) {
        long[] ids = Tensors.toLongArray(idx.narrow(0, s, len));
        Tensor[] one = new Tensor[ids.length];
        for (int i = 0; i < ids.length; i++) {
          one[i] = cropFlip.apply(chunk.narrow(0, i, 1), new SplittableRandom(Seeds.mix(seed, epoch, 3, ids[i])));
        }
        chunk = org.bytedeco.pytorch.global.torch.cat(new org.bytedeco.pytorch.TensorVector(one));
      }
      out.narrow(0, s, len).copy_(Evaluation.features(encoder, chunk, CHUNK));
    }
    return out;
  }
}

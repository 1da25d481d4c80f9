package io.github.mae4j.torch.downstream.linprobe;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.torch.data.Seeds;
import io.github.mae4j.torch.downstream.aug.RandomCropFlip;
import io.github.mae4j.torch.downstream.eval.Evaluation;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.downstream.LabeledData;
import io.github.mae4j.torch.downstream.LabeledImages;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Training features for the reference linear-probe protocol: the frozen encoder's features of the step's images
 * after the recipe's random resized crop and horizontal flip, drawn for every image from a generator seeded by
 * (seed, epoch, image index), so an epoch's features depend neither on the epochs before it (a resumed run sees the
 * same) nor on which process of a data-parallel job encodes the image.
 * Images go through the encoder in chunks of {@value #CHUNK} (the effective batch can be far larger). Unreadable
 * images (data read from disk) are skipped with their labels, so a step may train on fewer rows; the images of a
 * chunk that lost some then take the seeds of the chunk's first positions (still deterministic, no longer
 * independent of how a job splits the batch).
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

  /**
   * idx [B] → features [B', D] of the augmented images, without gradients, and their labels [B']; images found
   * unreadable are left out together with their labels (told once and counted by {@link LabeledData}).
   */
  @Override
  public LinearProbe.StepBatch of(int epoch, Tensor idx) {
    long b = idx.size(0);
    List<Tensor> features = new ArrayList<>();
    List<Tensor> labels = new ArrayList<>();
    for (long s = 0; s < b; s += CHUNK) {
      long len = Math.min(CHUNK, b - s);
      LabeledImages read = images.gather(idx.narrow(0, s, len));
      Tensor chunk = read.images();
      if (chunk.size(0) == 0) {
        continue;
      }
      if (!cropFlip.isIdentity()) {
        long[] ids = Tensors.toLongArray(idx.narrow(0, s, len));
        Tensor[] one = new Tensor[(int) chunk.size(0)]; // fewer than ids when images were skipped
        for (int i = 0; i < one.length; i++) {
          one[i] = cropFlip.apply(chunk.narrow(0, i, 1), new SplittableRandom(Seeds.mix(seed, epoch, 3, ids[i])));
        }
        chunk = torch.cat(new TensorVector(one));
      }
      features.add(Evaluation.features(encoder, chunk, CHUNK));
      labels.add(read.labels());
    }
    if (features.isEmpty()) {
      return new LinearProbe.StepBatch(Tensors.zeros(0, encoder.embedDim()), idx.narrow(0, 0, 0));
    }
    return features.size() == 1 ? new LinearProbe.StepBatch(features.get(0), labels.get(0))
        : new LinearProbe.StepBatch(torch.cat(new TensorVector(features.toArray(Tensor[]::new))),
            torch.cat(new TensorVector(labels.toArray(Tensor[]::new))));
  }
}

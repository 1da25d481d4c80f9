package io.github.mae4j.torch.downstream.aug;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.Interpolation;
import io.github.mae4j.torch.data.RandomResizedCrop;
import io.github.mae4j.torch.data.Resampler;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.random.RandomGenerator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A recipe's random resized crop and horizontal flip applied to an in-memory batch, per image: the crop box is
 * drawn as {@link RandomResizedCrop#box} draws it (scale and aspect-ratio ranges of the {@link Augmentation}) and
 * resampled to {@code size × width} (square unless a width is given) with PIL's filter for the recipe's interpolation
 * ({@link Resampler#pil(Interpolation)}, as the data pipeline and torchvision's PIL transforms do); a box that
 * already is the whole image at the output size is copied unchanged. Then the image is mirrored left-right with probability ½ (a draw is made for
 * every image, flip or not). Resampling is linear, so it may run on normalized values.
 *
 * <p>images [N, C, H, W] → [N, C, size, width]
 */
public final class RandomCropFlip {
  private final RandomResizedCrop crop;
  private final boolean cropping;
  private final boolean flipping;
  private final Resampler resampler;
  private final int size;
  private final int width;

  /** The crop and flip of {@code aug} with output side {@code size}. */
  public RandomCropFlip(Augmentation aug, int size) {
    this(aug, size, size);
  }

  /** The crop and flip of {@code aug} with output {@code height × width} (non-square models). */
  public RandomCropFlip(Augmentation aug, int height, int width) {
    int size = height;
    this.crop = new RandomResizedCrop(size, width, aug.getCropScaleMin(), aug.getCropScaleMax(), aug.getCropRatioMin(),
        aug.getCropRatioMax(), Resampler.pil());
    this.cropping = aug.isRandomResizedCrop();
    this.flipping = aug.isHorizontalFlip();
    this.resampler = Resampler.pil(aug.getInterpolation());
    this.size = size;
    this.width = width;
  }

  /** Whether this changes anything: a crop, a flip, or neither. */
  public boolean isIdentity() {
    return !cropping && !flipping;
  }

  /**
   * images [N, C, H, W] → [N, C, size, width], drawing from {@code rng} image by image.
   *
   * @throws IllegalArgumentException when the images are not 4-D
   */
  public Tensor apply(Tensor images, RandomGenerator rng) {
    if (images.dim() != 4) {
      throw new IllegalArgumentException("images must be [N, C, H, W], got " + Tensors.shape(images));
    }
    long n = images.size(0);
    long c = images.size(1);
    int h = (int) images.size(2);
    int w = (int) images.size(3);
    Tensor out = torch.empty(new long[] {n, c, size, width}, Tensors.f32(),
        new org.bytedeco.pytorch.MemoryFormatOptional());
    for (long i = 0; i < n; i++) {
      try (PointerScope scope = new PointerScope()) {
        Tensor img = images.select(0, i);
        RandomResizedCrop.Box b = cropping ? crop.box(h, w, rng) : new RandomResizedCrop.Box(0, 0, h, w);
        Tensor resized = resize(img, b, (int) c, h, w);
        boolean flip = flipping && rng.nextDouble() < 0.5;
        out.select(0, i).copy_(flip ? torch.flip(resized, -1) : resized);
      }
    }
    return out;
  }

  /** image [C, H, W], box → [C, size, width]. */
  private Tensor resize(Tensor img, RandomResizedCrop.Box b, int c, int h, int w) {
    Tensor box = img.narrow(1, b.top(), b.height()).narrow(2, b.left(), b.width());
    if (b.height() == size && b.width() == width) {
      return box;
    }
    float[] px = Tensors.toFloatArray(img.contiguous());
    float[] r = resampler.resize(px, c, h, w, b.top(), b.left(), b.height(), b.width(), size, width);
    return Tensors.floats(r, c, size, width);
  }
}

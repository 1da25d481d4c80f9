package io.github.mae4j.torch.downstream.aug;

import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Random erasing (Zhong et al. 2020) as timm's {@code RandomErasing(mode='pixel')} that MAE fine-tuning uses: with
 * probability p, one rectangle of area fraction in [0.02, 1/3] and log-uniform aspect ratio in [0.3, 1/0.3] is
 * filled with standard-normal noise (up to 10 attempts to fit it). Acts on normalized images.
 */
public final class RandomErasing {
  private final double probability;
  private final double minArea;
  private final double maxArea;
  private final double logMinAspect;
  private final double logMaxAspect;
  private final RandomGenerator random;
  private final Generator noise;

  /** A rectangle: rows [top, top+height), columns [left, left+width). */
  public record Region(int top, int left, int height, int width) {}

  public RandomErasing(double probability, RandomGenerator random, Generator noise) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("random erasing probability (" + probability + ") must be in [0, 1]");
    }
    this.probability = probability;
    this.minArea = 0.02;
    this.maxArea = 1.0 / 3;
    this.logMinAspect = Math.log(0.3);
    this.logMaxAspect = Math.log(1 / 0.3);
    this.random = random;
    this.noise = noise;
  }

  /** Draws whether and where to erase in an h × w image (empty: leave it). */
  public Optional<Region> sampleRegion(int h, int w) {
    if (random.nextDouble() >= probability) {
      return Optional.empty();
    }
    double area = (double) h * w;
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (minArea + (maxArea - minArea) * random.nextDouble());
      double aspect = Math.exp(logMinAspect + (logMaxAspect - logMinAspect) * random.nextDouble());
      int eh = (int) Math.round(Math.sqrt(target * aspect));
      int ew = (int) Math.round(Math.sqrt(target / aspect));
      if (eh > 0 && ew > 0 && eh < h && ew < w) {
        return Optional.of(new Region(random.nextInt(h - eh + 1), random.nextInt(w - ew + 1), eh, ew));
      }
    }
    return Optional.empty();
  }

  /** batch [N, C, H, W] → a copy with each image erased independently. */
  public Tensor apply(Tensor batch) {
    if (batch.dim() != 4) {
      throw new IllegalArgumentException("random erasing needs [N, C, H, W], got " + Tensors.shape(batch));
    }
    if (probability == 0) {
      return batch;
    }
    int h = (int) batch.size(2);
    int w = (int) batch.size(3);
    long c = batch.size(1);
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor out = batch.clone();
      for (long i = 0; i < batch.size(0); i++) {
        Optional<Region> r = sampleRegion(h, w);
        if (r.isPresent()) {
          Region reg = r.get();
          out.select(0, i).narrow(1, reg.top(), reg.height()).narrow(2, reg.left(), reg.width())
              .copy_(Tensors.randn(noise, c, reg.height(), reg.width()));
        }
      }
      return out;
    }
  }
}

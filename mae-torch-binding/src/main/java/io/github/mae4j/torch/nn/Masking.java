package io.github.mae4j.torch.nn;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.MaskSampling;
import io.github.mae4j.torch.internal.TensorData;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The mask samplers. {@link MaskedAutoencoder#randomMasking} ranks the patches by a noise tensor
 * ({@code ids_shuffle = argsort(noise)}) and keeps the first {@code ⌊L·(1−r)⌋}; this class draws that noise.
 *
 * <p>Every sampling strategy is expressed as such a noise (a ranking key), so a forward pass given a noise tensor
 * is fully determined by it:
 *
 * <ul>
 *   <li>{@link MaskSampling#RANDOM}: uniform noise {@code rand([N, L])} from the generator, bit-identical to Python's
 *       {@code torch.rand(N, L, generator=torch.Generator().manual_seed(seed))}.
 *   <li>{@link MaskSampling#GRID}: one patch of every 2×2 cell is kept (every other patch in each direction, so
 *       both sides of the patch grid are even). The kept position inside the cell (one of four offsets) is drawn
 *       per sample, the same for all cells of that sample.
 *   <li>{@link MaskSampling#BLOCK}: BEiT-style blocks are removed until exactly {@code L − ⌊L·(1−r)⌋} patches are
 *       gone: each block has a random area in [min(4, still to remove), still to remove] and a log-uniform aspect
 *       ratio in [0.3, 1/0.3], is placed at random within the gridHeight × gridWidth patch grid (a block taller or
 *       wider than the grid is an attempt that failed) and accepted only when it removes at least one and no more
 *       than the patches still to remove (10 attempts; after 10 failures a single random patch is removed). So
 *       exactly {@code ⌊L·(1−r)⌋} patches remain visible.
 * </ul>
 *
 * GRID and BLOCK keys are {@code rank + (removed ? L : 0)} with a random rank, drawn from a
 * {@link SplittableRandom} seeded per sample by the torch generator, so the same seed gives the same masks.
 */
public final class Masking {
  private Masking() {}

  /** Indices of one masking. mask [N, L] (0 keep, 1 remove), idsRestore/idsKeep int64. */
  public record Indices(Tensor idsShuffle, Tensor idsRestore, Tensor idsKeep, Tensor mask) {}

  /**
   * The ranking key for {@code n} samples under the configuration's sampling, drawn from {@code generator} (a CPU
   * generator): → noise [n, L] float32 on the CPU.
   */
  public static Tensor sampleNoise(MaeConfig config, long n, Generator generator) {
    int l = config.getNumPatches();
    GeneratorOptional g = new GeneratorOptional(generator);
    if (config.getMaskSampling() == MaskSampling.RANDOM) {
      return torch.rand(new long[] {n, l}, g, new TensorOptions(ScalarType.Float));
    }
    double[] seeds = TensorData.toDoubleArray(torch.rand(new long[] {n, 2}, g, new TensorOptions(ScalarType.Double)));
    float[] keys = new float[(int) n * l];
    for (int s = 0; s < n; s++) {
      long seed = (long) (seeds[2 * s] * (1L << 53)) ^ ((long) (seeds[2 * s + 1] * (1L << 53)) << 11);
      SplittableRandom random = new SplittableRandom(seed);
      boolean[] removed = config.getMaskSampling() == MaskSampling.GRID
          ? gridRemoved(config.getGridHeight(), config.getGridWidth(), random)
          : blockRemoved(config.getGridHeight(), config.getGridWidth(), config.getNumMasked(), random);
      int[] rank = permutation(l, random);
      for (int k = 0; k < l; k++) {
        keys[s * l + k] = rank[k] + (removed[k] ? l : 0);
      }
    }
    return TensorData.fromFloats(keys, n, l);
  }

  /** GRID on an h×w patch grid (both even): removed [h·w], one patch of every 2×2 cell kept, at one drawn offset. */
  static boolean[] gridRemoved(int h, int w, SplittableRandom random) {
    int offset = random.nextInt(4);
    int dy = offset / 2;
    int dx = offset % 2;
    boolean[] removed = new boolean[h * w];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        removed[i * w + j] = !(i % 2 == dy && j % 2 == dx);
      }
    }
    return removed;
  }

  /** BLOCK on an h×w patch grid: removed [h·w] with exactly {@code toRemove} set, in blocks that fit the grid. */
  static boolean[] blockRemoved(int gh, int gw, int toRemove, SplittableRandom random) {
    boolean[] removed = new boolean[gh * gw];
    int count = 0;
    double logMin = Math.log(0.3);
    double logMax = Math.log(1 / 0.3);
    while (count < toRemove) {
      int left = toRemove - count;
      int added = 0;
      for (int attempt = 0; attempt < 10 && added == 0; attempt++) {
        double area = Math.min(4, left) + random.nextDouble() * (left - Math.min(4, left));
        double aspect = Math.exp(logMin + random.nextDouble() * (logMax - logMin));
        int h = (int) Math.round(Math.sqrt(area * aspect));
        int w = (int) Math.round(Math.sqrt(area / aspect));
        if (h < 1 || w < 1 || h > gh || w > gw) {
          continue;
        }
        int top = random.nextInt(gh - h + 1);
        int lft = random.nextInt(gw - w + 1);
        int fresh = 0;
        for (int i = top; i < top + h; i++) {
          for (int j = lft; j < lft + w; j++) {
            fresh += removed[i * gw + j] ? 0 : 1;
          }
        }
        if (fresh > 0 && fresh <= left) {
          for (int i = top; i < top + h; i++) {
            for (int j = lft; j < lft + w; j++) {
              removed[i * gw + j] = true;
            }
          }
          added = fresh;
        }
      }
      if (added == 0) {
        int pick = random.nextInt(gh * gw - count);
        for (int k = 0; k < removed.length; k++) {
          if (!removed[k] && pick-- == 0) {
            removed[k] = true;
            break;
          }
        }
        added = 1;
      }
      count += added;
    }
    return removed;
  }

  private static int[] permutation(int l, SplittableRandom random) {
    int[] a = new int[l];
    for (int i = 0; i < l; i++) {
      a[i] = i;
    }
    for (int i = l - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

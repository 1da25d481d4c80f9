package io.github.mae4j.torch.train;

import java.util.function.BiPredicate;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * Test data: batch {@code i} of epoch {@code e} is {@code randn([B, 1, side, side])} from a generator seeded by
 * (seed, e, i) — deterministic by position, like the real loader. Batches for which {@code poisoned} holds are NaN.
 */
final class RandomData implements TrainingData {
  final int batchSize;
  final long batches;
  final int side;
  final long seed;
  final BiPredicate<Integer, Long> poisoned;

  RandomData(int batchSize, long batches, int side, long seed) {
    this(batchSize, batches, side, seed, (e, i) -> false);
  }

  RandomData(int batchSize, long batches, int side, long seed, BiPredicate<Integer, Long> poisoned) {
    this.batchSize = batchSize;
    this.batches = batches;
    this.side = side;
    this.seed = seed;
    this.poisoned = poisoned;
  }

  /** The images of batch {@code index} of {@code epoch}. */
  Tensor batch(int epoch, long index) {
    try (Generator g = torch.createCPUGenerator(seed * 1_000_003L + epoch * 10_007L + index)) {
      Tensor t = torch.randn(new long[] {batchSize, 1, side, side}, new GeneratorOptional(g));
      return poisoned.test(epoch, index) ? t.fill_(new Scalar(Double.NaN)) : t;
    }
  }

  @Override
  public long batchesPerEpoch() {
    return batches;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public Epoch epoch(int epoch, long firstBatch) {
    return new Epoch() {
      long next = firstBatch;

      @Override
      public @Nullable Tensor next() {
        return next < batches ? batch(epoch, next++) : null;
      }

      @Override
      public void close() {}
    };
  }
}

package io.github.mae4j.torch.train;

import static io.github.mae4j.torch.train.TrainerFixtures.DIM;
import static io.github.mae4j.torch.train.TrainerFixtures.SIDE;
import static io.github.mae4j.torch.train.TrainerFixtures.plan;
import static io.github.mae4j.torch.train.TrainerFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.DistributedEnvironment;
import io.github.mae4j.torch.dist.GradientReducer;
import io.github.mae4j.torch.run.CheckpointStore;
import io.github.mae4j.torch.run.ProgressReporter;
import io.github.mae4j.torch.run.TrainingDivergedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ranks in one JVM (two threads, a Gloo group over a FileStore): when the loss of one rank turns non-finite,
 * both stop at the same iteration — the bad rank with its own diagnosis, the other saying another rank's loss was
 * non-finite — and rank 0's newest checkpoint is the last good one.
 */
class DistributedDivergenceTest {
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  /** The toy autoencoder, its mask given as noise (one row per image) as a distributed trainer asks. */
  static final class NoiseToy implements PretrainModel {
    final ToyModel toy = new ToyModel(DIM, 1);
    /** Whether it declares that its batches split across the cores (its loss is a mean over images). */
    final boolean splits;

    NoiseToy() {
      this(false);
    }

    NoiseToy(boolean splits) {
      this.splits = splits;
    }

    @Override
    public boolean splitsAcrossCores() {
      return splits;
    }

    @Override
    public Tensor loss(Tensor images, Generator maskNoise) {
      return lossWithNoise(images, sampleNoise(images.size(0), maskNoise));
    }

    @Override
    public Tensor lossWithNoise(Tensor images, Tensor noise) {
      Tensor x = images.reshape(images.size(0), -1);
      Tensor keep = noise.lt(new Scalar(0.5)).to(torch.ScalarType.Float);
      return x.mul(keep).matmul(toy.weight).add(toy.bias).sub(x).pow(new Scalar(2)).mean();
    }

    @Override
    public Tensor sampleNoise(long n, Generator generator) {
      return torch.rand(new long[] {n, DIM}, new GeneratorOptional(generator), new TensorOptions(
          torch.ScalarType.Float));
    }

    @Override
    public List<Tensor> decayParameters() {
      return toy.decayParameters();
    }

    @Override
    public List<Tensor> noDecayParameters() {
      return toy.noDecayParameters();
    }

    @Override
    public Map<String, Tensor> namedTensors() {
      return toy.namedTensors();
    }

    @Override
    public void train(boolean on) {}

    @Override
    public void close() {
      toy.close();
    }
  }

  /** {@link RandomData} of one rank, reporting dataset indices (rank-interleaved, as a shard's). */
  static TrainingData shard(int rank, boolean poisonEpoch1Batch2) {
    RandomData data = new RandomData(4, 5, SIDE, 3 + rank, (e, i) -> poisonEpoch1Batch2 && e == 1 && i == 2);
    return new TrainingData() {
      @Override
      public long batchesPerEpoch() {
        return data.batchesPerEpoch();
      }

      @Override
      public int batchSize() {
        return data.batchSize();
      }

      @Override
      public Epoch epoch(int epoch, long firstBatch) {
        return new Epoch() {
          long next = firstBatch;
          long current = -1;

          @Override
          public @Nullable Tensor next() {
            current = next;
            return next < data.batches ? data.batch(epoch, next++) : null;
          }

          @Override
          public int[] indices() {
            int[] idx = new int[data.batchSize];
            for (int i = 0; i < idx.length; i++) {
              idx[i] = (int) (2 * (current * data.batchSize + i) + rank);
            }
            return idx;
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  TrainingDivergedException runRank(int rank) throws Exception {
    DistributedEnvironment env = new DistributedEnvironment(rank, rank, 2, 2, "", 29500,
        Optional.of(dir.resolve("rdzv")), Duration.ofSeconds(20), GradientReducer.Mode.REDUCER);
    try (DistributedContext ctx = DistributedContext.connect(env);
        NoiseToy m = new NoiseToy();
        Trainer t = new Trainer(plan(), m, shard(rank, rank == 1), settings(dir.resolve("rank" + rank)),
            ProgressReporter.silent())) {
      t.distributed(ctx, GradientReducer.Mode.REDUCER);
      t.run();
      throw new AssertionError("rank " + rank + " did not stop");
    } catch (TrainingDivergedException e) {
      return e;
    }
  }

  @Test
  void nonFiniteLossOnRankOne_stopsBothRanksAtTheSameIteration_keepingTheLastGoodCheckpoint() throws Exception {
    // one thread per rank (the common pool may have a single thread on a 2-core machine)
    ExecutorService ranks = Executors.newFixedThreadPool(2);
    TrainingDivergedException e0;
    TrainingDivergedException e1;
    try {
      Future<TrainingDivergedException> r0 = ranks.submit(() -> runRank(0));
      Future<TrainingDivergedException> r1 = ranks.submit(() -> runRank(1));
      e0 = r0.get(60, TimeUnit.SECONDS);
      e1 = r1.get(60, TimeUnit.SECONDS);
    } finally {
      ranks.shutdownNow();
    }
    // batch 2 of epoch 1: iteration 5 + 2 = 7 on both ranks
    assertThat(e0.iteration()).isEqualTo(7);
    assertThat(e1.iteration()).isEqualTo(7);
    assertThat(e1.getMessage()).contains("a non-finite loss (NaN) on rank 1", "input batch holds 64 non-finite");
    assertThat(e0.getMessage()).contains("a non-finite loss on another rank");
    CheckpointStore store0 = new CheckpointStore(dir.resolve("rank0"));
    assertThat(CheckpointFile.read(store0.last()).iteration()).as("rank 0's newest checkpoint").isEqualTo(5);
    assertThat(new CheckpointStore(dir.resolve("rank1")).last()).as("rank 1 writes nothing").doesNotExist();
  }
}

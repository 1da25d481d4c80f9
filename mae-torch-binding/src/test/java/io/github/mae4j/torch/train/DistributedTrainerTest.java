package io.github.mae4j.torch.train;

import static io.github.mae4j.torch.train.TrainerFixtures.SIDE;
import static io.github.mae4j.torch.train.TrainerFixtures.plan;
import static io.github.mae4j.torch.train.TrainerFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.dist.DistributedEnvironment;
import io.github.mae4j.torch.dist.GradientReducer;
import io.github.mae4j.torch.run.ProgressReporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two ranks in one JVM (threads, Gloo over a FileStore) against one process with the whole batch, with gradient
 * accumulation (2 micro-batches per update, so the Reducer's no-sync micro-batches are exercised): the same losses
 * and the same weights, for c10d's Reducer and for the flat allreduce.
 */
class DistributedTrainerTest {
  static final int BATCH = 8;

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  /** Rank {@code rank} of {@code world}: rows rank, rank + world, … of every batch of {@link RandomData}. */
  static TrainingData shard(int rank, int world) {
    RandomData data = new RandomData(BATCH, 5, SIDE, 3);
    return new TrainingData() {
      @Override
      public long batchesPerEpoch() {
        return data.batchesPerEpoch();
      }

      @Override
      public int batchSize() {
        return BATCH / world;
      }

      @Override
      public Epoch epoch(int epoch, long firstBatch) {
        return new Epoch() {
          long next = firstBatch;
          long current = -1;

          @Override
          public @Nullable Tensor next() {
            if (next >= data.batches) {
              return null;
            }
            current = next++;
            Tensor all = data.batch(epoch, current);
            long[] rows = new long[BATCH / world];
            for (int i = 0; i < rows.length; i++) {
              rows[i] = rank + (long) i * world;
            }
            return all.index_select(0, io.github.mae4j.torch.internal.TensorData.fromLongs(rows, rows.length));
          }

          @Override
          public int[] indices() {
            int[] idx = new int[BATCH / world];
            for (int i = 0; i < idx.length; i++) {
              idx[i] = (int) (current * BATCH + rank + (long) i * world);
            }
            return idx;
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  record Outcome(List<Double> losses, float[] weights) {}

  Outcome runRank(DistributedContext ctx, GradientReducer.Mode mode, Path out) throws Exception {
    return runRank(ctx, mode, out, false);
  }

  /** One rank; {@code splits}: the model lets the trainer split its batches across the cores. */
  Outcome runRank(DistributedContext ctx, GradientReducer.Mode mode, Path out, boolean splits) throws Exception {
    List<Double> losses = new ArrayList<>();
    try (DistributedDivergenceTest.NoiseToy m = new DistributedDivergenceTest.NoiseToy(splits);
        Trainer t = new Trainer(plan(), m, shard(ctx.rank(), ctx.worldSize()), settings(out),
            ProgressReporter.silent())) {
      t.distributed(ctx, mode).onIteration((i, e, loss, lr) -> losses.add(loss));
      t.run();
      return new Outcome(losses, m.toy.weights());
    } finally {
      ctx.close();
    }
  }

  /** As {@link #runRank}, resuming from {@code from} when given and stopping after {@code maxIterations} (0: all). */
  Outcome runRank(DistributedContext ctx, Path out, long maxIterations, @Nullable Path from) throws Exception {
    List<Double> losses = new ArrayList<>();
    try (DistributedDivergenceTest.NoiseToy m = new DistributedDivergenceTest.NoiseToy();
        Trainer t = new Trainer(plan(), m, shard(ctx.rank(), ctx.worldSize()),
            settings(out).withMaxIterations(maxIterations), ProgressReporter.silent())) {
      if (from != null) {
        t.resume(CheckpointFile.read(from));
      }
      t.distributed(ctx, GradientReducer.Mode.REDUCER).onIteration((i, e, loss, lr) -> losses.add(loss));
      t.run();
      return new Outcome(losses, m.toy.weights());
    } finally {
      ctx.close();
    }
  }

  @org.junit.jupiter.api.Test
  void checkpointOfOneProcess_resumesOnTwo_withTheLossesOfTheUninterruptedRun() throws Exception {
    Outcome full = runRank(DistributedContext.single(), dir.resolve("full"), 0, null);
    Path part = dir.resolve("part");
    Outcome first = runRank(DistributedContext.single(), part, 6, null);
    Path ckpt = new io.github.mae4j.torch.run.CheckpointStore(part).last();
    assertThat(CheckpointFile.read(ckpt).iteration()).isEqualTo(7); // the next optimizer-step boundary after 6
    ExecutorService ranks = Executors.newFixedThreadPool(2);
    Outcome[] two = new Outcome[2];
    try {
      List<Future<Outcome>> f = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int rank = r;
        f.add(ranks.submit(() -> runRank(DistributedContext.connect(new DistributedEnvironment(rank, rank, 2, 2,
            "", 29500, Optional.of(dir.resolve("rdzv-resume")), Duration.ofSeconds(20),
            GradientReducer.Mode.REDUCER)), dir.resolve("resumed" + rank), 0, ckpt)));
      }
      for (int r = 0; r < 2; r++) {
        two[r] = f.get(r).get(60, TimeUnit.SECONDS);
      }
    } finally {
      ranks.shutdownNow();
    }
    float max = 0;
    for (float w : full.weights()) {
      max = Math.max(max, Math.abs(w));
    }
    for (Outcome o : two) {
      List<Double> joined = new ArrayList<>(first.losses());
      joined.addAll(o.losses());
      assertThat(joined).hasSameSizeAs(full.losses());
      for (int i = 0; i < joined.size(); i++) {
        assertThat(joined.get(i)).as("loss of iteration %d", i)
            .isCloseTo(full.losses().get(i), within(1e-5 * Math.abs(full.losses().get(i))));
      }
      for (int i = 0; i < full.weights().length; i++) {
        assertThat((double) o.weights()[i]).as("weight %d", i).isCloseTo(full.weights()[i], within(1e-5 * max));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(GradientReducer.Mode.class)
  void twoRanksWithHalfBatches_trainAsOneWithTheWholeBatch_withAccumulation(GradientReducer.Mode mode)
      throws Exception {
    twoRanksTrainAsOne(mode, false);
  }

  /**
   * Each rank's half batch split again across two cores ({@link CoreShards}) under the flat gradient averaging: the
   * shards' gradients are added up before the allreduce, and the run still trains as one process with the whole
   * batch (which runs whole here).
   */
  @org.junit.jupiter.api.Test
  void twoRanksWithSplitHalfBatches_flatAveraging_trainAsOneWithTheWholeBatch() throws Exception {
    twoRanksTrainAsOne(GradientReducer.Mode.FLAT, true);
  }

  private void twoRanksTrainAsOne(GradientReducer.Mode mode, boolean split) throws Exception {
    assertThat(plan().accumulationSteps()).isEqualTo(2);
    Outcome one = io.github.mae4j.torch.TestProperties.with("mae4j.cpuShards", "off",
        () -> runRank(DistributedContext.single(), mode, dir.resolve("one"), split));
    String before = System.getProperty("mae4j.cpuShards");
    System.setProperty("mae4j.cpuShards", split ? "2" : "off");
    ExecutorService ranks = Executors.newFixedThreadPool(2);
    Outcome[] two = new Outcome[2];
    try {
      List<Future<Outcome>> f = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int rank = r;
        f.add(ranks.submit(() -> runRank(DistributedContext.connect(new DistributedEnvironment(rank, rank, 2, 2,
            "", 29500, Optional.of(dir.resolve("rdzv")), Duration.ofSeconds(20), mode)), mode,
            dir.resolve("rank" + rank), split)));
      }
      for (int r = 0; r < 2; r++) {
        two[r] = f.get(r).get(60, TimeUnit.SECONDS);
      }
    } finally {
      ranks.shutdownNow();
      io.github.mae4j.torch.TestProperties.restore("mae4j.cpuShards", before);
    }
    assertThat(one.losses()).hasSize(15);
    for (Outcome o : two) {
      assertThat(o.losses()).hasSize(15);
      for (int i = 0; i < 15; i++) {
        assertThat(o.losses().get(i)).as("loss of iteration %d", i)
            .isCloseTo(one.losses().get(i), within(1e-5 * Math.abs(one.losses().get(i))));
      }
      float max = 0;
      for (float w : one.weights()) {
        max = Math.max(max, Math.abs(w));
      }
      for (int i = 0; i < one.weights().length; i++) {
        assertThat((double) o.weights()[i]).as("weight %d", i).isCloseTo(one.weights()[i], within(1e-5 * max));
      }
    }
    // the ranks hold the same weights as each other exactly
    assertThat(two[1].weights()).containsExactly(two[0].weights());
  }
}

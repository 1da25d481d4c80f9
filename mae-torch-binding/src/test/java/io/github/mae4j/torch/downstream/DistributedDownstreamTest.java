package io.github.mae4j.torch.downstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.dist.DistributedContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning and linear probing as 2 real processes on 127.0.0.1 (Gloo over a TCPStore), each with half of every
 * global batch, against 1 process with the whole batch: the same per-step losses (relative 1e-5), the same final
 * weights (max |Δ| ≤ 1e-5 · max |w|; the key third of the qkv biases, whose true gradient is 0, within AdamW's drift
 * bound, see {@link RankOutcome#diffs}) and the same test top-1 — fine-tuning with crop, flip, RandAugment, random
 * erasing, mixup and cutmix, label smoothing and drop path all on; the probe with its BatchNorm head synchronized
 * across the ranks (features with a large offset, so its statistics matter).
 */
class DistributedDownstreamTest {
  static final double TOL = 1e-5;

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  @Test
  void finetune_twoProcessesWithHalfBatches_trainAsOneProcess() throws Exception {
    RankOutcome one = DownstreamRankMain.finetune(DistributedContext.single());
    List<RankOutcome> two = twoRanks("finetune");
    assertThat(one.losses()).hasSize(12);
    for (RankOutcome o : two) {
      assertSameRun(one, o, true);
    }
    // the ranks hold the same weights as each other exactly
    assertThat(two.get(1).diffs(two.get(0))).allSatisfy((k, v) -> assertThat(v).as(k).isZero());
  }

  @Test
  void linprobe_twoProcessesWithHalfBatches_trainAsOneProcess_batchNormStatisticsSynchronized() throws Exception {
    RankOutcome one = DownstreamRankMain.linprobe(DistributedContext.single());
    List<RankOutcome> two = twoRanks("linprobe");
    assertThat(one.losses()).hasSize(12);
    for (RankOutcome o : two) {
      assertSameRun(one, o, false);
    }
    // the running statistics moved off their initial values, and are the same on every rank
    assertThat(one.tensors().get("head.0.running_mean")[0]).isGreaterThan(1f);
    assertThat(two.get(1).diffs(two.get(0))).allSatisfy((k, v) -> assertThat(v).as(k).isZero());
  }

  @Test
  void linprobeAugmented_twoProcessesEachEncodingItsBlock_trainAsOneProcess() throws Exception {
    RankOutcome one = DownstreamRankMain.linprobeAugmented(DistributedContext.single());
    List<RankOutcome> two = twoRanks("linprobe-augmented");
    assertThat(one.losses()).hasSize(8);
    for (RankOutcome o : two) {
      assertSameRun(one, o, false);
    }
    assertThat(two.get(1).diffs(two.get(0))).allSatisfy((k, v) -> assertThat(v).as(k).isZero());
  }

  @Test
  void finetune_checkpointOfTwoProcessesResumesOnOne_andOfOneOnTwo_withTheUninterruptedLosses() throws Exception {
    RankOutcome whole = DownstreamRankMain.finetune(DistributedContext.single());
    List<Double> after1 = whole.losses().subList(4, 12); // 4 steps an epoch
    // written by 2 processes, continued by 1
    Path byTwo = dir.resolve("by-two");
    List<RankOutcome> stopped = twoRanks("finetune-stop", byTwo.toString());
    assertThat(stopped.get(0).losses()).hasSize(4);
    RankOutcome onOne = DownstreamRankMain.finetuneResumed(DistributedContext.single(), byTwo);
    assertSameRun(new RankOutcome(after1, whole.top1(), whole.tensors()), onOne, true);
    // written by 1 process, continued by 2
    Path byOne = dir.resolve("by-one");
    assertThat(DownstreamRankMain.finetuneStoppedAfterOneEpoch(DistributedContext.single(), byOne).losses())
        .hasSize(4);
    for (RankOutcome onTwo : twoRanks("finetune-resume", byOne.toString())) {
      assertSameRun(new RankOutcome(after1, whole.top1(), whole.tensors()), onTwo, true);
    }
  }

  private List<RankOutcome> twoRanks(String kind, String... more) throws Exception {
    String[] args = new String[2 + more.length];
    args[0] = kind;
    args[1] = dir.toString();
    System.arraycopy(more, 0, args, 2, more.length);
    RankProcesses.run(DownstreamRankMain.class, 2, 120, dir, args);
    return List.of(RankOutcome.read(dir.resolve("rank0.bin")), RankOutcome.read(dir.resolve("rank1.bin")));
  }

  static void assertSameRun(RankOutcome one, RankOutcome other, boolean adamw) {
    assertThat(other.losses()).hasSameSizeAs(one.losses());
    for (int i = 0; i < one.losses().size(); i++) {
      assertThat(other.losses().get(i)).as("loss of step %d", i)
          .isCloseTo(one.losses().get(i), within(TOL * Math.abs(one.losses().get(i))));
    }
    assertThat(other.top1()).isEqualTo(one.top1());
    double max = one.maxAbs();
    Map<String, Double> d = one.diffs(other);
    System.out.printf("DistributedDownstreamTest: max |w| %.4g, max |Δw| per tensor %s%n", max, d);
    // the key third of the qkv biases (see RankOutcome.diffs): bounded by AdamW's largest possible drift, one peak
    // lr per update
    double keyBound = adamw ? DownstreamRankMain.finetuneRecipe().getLearningRate() * 6 : 0;
    assertThat(d).allSatisfy((k, v) -> assertThat(v).as(k)
        .isLessThanOrEqualTo(k.endsWith("[key third]") ? keyBound : TOL * max));
  }
}

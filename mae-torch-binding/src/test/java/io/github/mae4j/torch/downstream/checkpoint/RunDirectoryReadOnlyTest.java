package io.github.mae4j.torch.downstream.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.downstream.EpochStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory of ranks other than 0: it reads the checkpoint to resume, and writes nothing. */
class RunDirectoryReadOnlyTest {
  @TempDir Path dir;

  static EpochRecorder.Snapshot empty() {
    return new EpochRecorder.Snapshot(Map.of(), new byte[0], Map.of());
  }

  @Test
  void readOnly_freshRun_writesNoCheckpointNorMetrics() {
    Path run = dir.resolve("run");
    RunDirectory ro = RunDirectory.create(run, Map.of()).readOnly();
    assertThat(ro.writes()).isFalse();
    assertThat(RunDirectory.none().writes()).isFalse();
    assertThat(RunDirectory.create(run, Map.of()).writes()).isTrue();
    try (EpochRecorder rec = EpochRecorder.open(ro, DownstreamCheckpoint.FINETUNE, "{}", Map.of(), List.of(), 4, 64)) {
      rec.epochDone(new EpochStats(1, 0.5, 1e-3, 1, 0.25), () -> {
        throw new AssertionError("a read-only directory must not take a snapshot");
      });
      assertThat(rec.stats()).hasSize(1);
    }
    assertThat(Files.exists(run)).isFalse();
  }

  @Test
  void readOnly_resume_readsTheCheckpointOfRankZero_andLeavesItAsItWas() throws Exception {
    Path run = dir.resolve("run");
    try (EpochRecorder rec = EpochRecorder.open(RunDirectory.create(run, Map.of("note", "x")),
        DownstreamCheckpoint.FINETUNE, "{}", Map.of(), List.of(), 4, 64)) {
      rec.epochDone(new EpochStats(1, 0.5, 1e-3, 1, 0.25), RunDirectoryReadOnlyTest::empty);
    }
    Path ckpt = RunDirectory.resume(run).checkpointFile().orElseThrow();
    byte[] before = Files.readAllBytes(ckpt);
    String metrics = Files.readString(run.resolve(RunDirectory.METRICS));
    try (EpochRecorder rec = EpochRecorder.open(RunDirectory.resume(run).readOnly(), DownstreamCheckpoint.FINETUNE,
        "{}", Map.of(), List.of(), 4, 64)) {
      assertThat(rec.resumed()).isPresent();
      assertThat(rec.firstEpoch()).isEqualTo(1);
      rec.epochDone(new EpochStats(2, 0.4, 1e-3, 1, 0.5), RunDirectoryReadOnlyTest::empty);
    }
    assertThat(Files.readAllBytes(ckpt)).isEqualTo(before);
    assertThat(Files.readString(run.resolve(RunDirectory.METRICS))).isEqualTo(metrics);
  }
}

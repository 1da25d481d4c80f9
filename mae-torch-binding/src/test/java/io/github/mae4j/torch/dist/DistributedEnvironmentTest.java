package io.github.mae4j.torch.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistributedEnvironmentTest {
  static Map<String, String> torchrun(int rank, int world) {
    Map<String, String> env = new HashMap<>();
    env.put("RANK", String.valueOf(rank));
    env.put("LOCAL_RANK", String.valueOf(rank));
    env.put("WORLD_SIZE", String.valueOf(world));
    env.put("LOCAL_WORLD_SIZE", String.valueOf(world));
    env.put("MASTER_ADDR", "127.0.0.1");
    env.put("MASTER_PORT", "29611");
    return env;
  }

  @Test
  void from_noJobVariables_isEmpty() {
    assertThat(DistributedEnvironment.from(Map.of("PATH", "/bin"))).isEmpty();
  }

  @Test
  void from_torchrunVariables_readsEveryField() {
    DistributedEnvironment e = DistributedEnvironment.from(torchrun(1, 2)).orElseThrow();
    assertThat(e.rank()).isEqualTo(1);
    assertThat(e.localRank()).isEqualTo(1);
    assertThat(e.worldSize()).isEqualTo(2);
    assertThat(e.localWorldSize()).isEqualTo(2);
    assertThat(e.masterAddr()).isEqualTo("127.0.0.1");
    assertThat(e.masterPort()).isEqualTo(29611);
    assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(e.gradSync()).isEqualTo(GradientReducer.Mode.REDUCER);
    assertThat(e.rdzvFile()).isEmpty();
    assertThat(e.isMain()).isFalse();
  }

  @Test
  void from_maeVariables_setTimeoutSyncAndRendezvousFile() {
    Map<String, String> env = torchrun(0, 2);
    env.put("MAE_DIST_TIMEOUT", "2.5");
    env.put("MAE_DIST_GRAD_SYNC", "flat");
    env.put("MAE_RDZV_FILE", "/shared/rdzv");
    DistributedEnvironment e = DistributedEnvironment.from(env).orElseThrow();
    assertThat(e.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(e.gradSync()).isEqualTo(GradientReducer.Mode.FLAT);
    assertThat(e.rdzvFile()).contains(Path.of("/shared/rdzv"));
  }

  @Test
  void from_slurmVariablesWithoutTorchrun_mapsRanks() {
    Map<String, String> env = new HashMap<>();
    env.put("SLURM_PROCID", "3");
    env.put("SLURM_NTASKS", "4");
    env.put("SLURM_LOCALID", "1");
    env.put("SLURM_NTASKS_PER_NODE", "2");
    env.put("MASTER_ADDR", "node0");
    DistributedEnvironment e = DistributedEnvironment.from(env).orElseThrow();
    assertThat(e.rank()).isEqualTo(3);
    assertThat(e.worldSize()).isEqualTo(4);
    assertThat(e.localRank()).isEqualTo(1);
    assertThat(e.localWorldSize()).isEqualTo(2);
    assertThat(e.masterPort()).isEqualTo(29500);
  }

  @Test
  void from_rankNotBelowWorldSize_throwsNamingBoth() {
    Map<String, String> env = torchrun(2, 2);
    env.put("LOCAL_RANK", "0");
    assertThatThrownBy(() -> DistributedEnvironment.from(env)).isInstanceOf(DistributedException.class)
        .hasMessage("RANK (2) must be in [0, WORLD_SIZE (2))");
  }

  @Test
  void from_missingMasterAddr_throws() {
    Map<String, String> env = torchrun(0, 2);
    env.remove("MASTER_ADDR");
    assertThatThrownBy(() -> DistributedEnvironment.from(env)).isInstanceOf(DistributedException.class)
        .hasMessageContaining("MASTER_ADDR is not set");
  }

  @Test
  void from_missingMasterAddrWithRendezvousFile_isFine() {
    Map<String, String> env = torchrun(0, 2);
    env.remove("MASTER_ADDR");
    env.put("MAE_RDZV_FILE", "/tmp/x");
    assertThat(DistributedEnvironment.from(env)).isPresent();
  }

  @Test
  void from_badPort_throws() {
    Map<String, String> env = torchrun(0, 2);
    env.put("MASTER_PORT", "70000");
    assertThatThrownBy(() -> DistributedEnvironment.from(env)).isInstanceOf(DistributedException.class)
        .hasMessage("MASTER_PORT (70000) must be in [1, 65535]");
    env.put("MASTER_PORT", "http");
    assertThatThrownBy(() -> DistributedEnvironment.from(env)).isInstanceOf(DistributedException.class)
        .hasMessage("MASTER_PORT (http) must be an integer");
  }

  @Test
  void from_missingRank_throws() {
    Map<String, String> env = torchrun(0, 2);
    env.remove("RANK");
    env.remove("LOCAL_RANK");
    assertThatThrownBy(() -> DistributedEnvironment.from(env)).isInstanceOf(DistributedException.class)
        .hasMessageStartingWith("RANK is not set");
  }

  @Test
  void from_unknownGradSync_throws() {
    Map<String, String> env = torchrun(0, 2);
    env.put("MAE_DIST_GRAD_SYNC", "ring");
    assertThatThrownBy(() -> DistributedEnvironment.from(env)).isInstanceOf(DistributedException.class)
        .hasMessage("MAE_DIST_GRAD_SYNC (ring) must be reducer or flat");
  }

  @Test
  void single_isRankZeroOfOne() {
    try (DistributedContext c = DistributedContext.single()) {
      assertThat(c.rank()).isZero();
      assertThat(c.worldSize()).isEqualTo(1);
      assertThat(c.isMain()).isTrue();
      assertThat(c.isDistributed()).isFalse();
      assertThat(c.allreduceSum(1.5, 2)).containsExactly(1.5, 2);
      assertThat(c.shardBatch(8)).isEqualTo(8);
    }
  }

  @Test
  void closedContext_throwsOnUse() {
    DistributedContext c = DistributedContext.single();
    c.close();
    c.close();
    assertThatThrownBy(() -> c.allreduceSum(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void from_backend_defaultsToAutoReadsNcclRejectsOthers() {
    DistributedEnvironment.Backend auto = DistributedEnvironment.from(torchrun(0, 2)).orElseThrow().backend();
    assertThat(auto).isEqualTo(DistributedEnvironment.Backend.AUTO);
    // auto follows the device, as torch's default backend does; a named backend stays what it is
    assertThat(auto.forDevice("cpu")).isEqualTo(DistributedEnvironment.Backend.GLOO);
    assertThat(auto.forDevice("cuda")).isEqualTo(DistributedEnvironment.Backend.NCCL);
    assertThat(auto.forDevice("CUDA:1")).isEqualTo(DistributedEnvironment.Backend.NCCL);
    assertThat(DistributedEnvironment.Backend.GLOO.forDevice("cuda")).isEqualTo(DistributedEnvironment.Backend.GLOO);
    Map<String, String> env = torchrun(0, 2);
    env.put("MAE_DIST_BACKEND", "NCCL");
    assertThat(DistributedEnvironment.from(env).orElseThrow().backend())
        .isEqualTo(DistributedEnvironment.Backend.NCCL);
    env.put("MAE_DIST_BACKEND", "mpi");
    assertThatThrownBy(() -> DistributedEnvironment.from(env)).isInstanceOf(DistributedException.class)
        .hasMessage("MAE_DIST_BACKEND (mpi) must be auto, gloo or nccl");
  }

  @Test
  void connect_ncclWithoutCuda_failsBeforeTheRendezvous() {
    org.junit.jupiter.api.Assumptions.assumeFalse(io.github.mae4j.torch.MaeDevice.best().isCuda(),
        "this machine has CUDA");
    Map<String, String> env = torchrun(1, 2); // rank 1: would wait for a store that nobody hosts
    env.put("MAE_DIST_BACKEND", "nccl");
    DistributedEnvironment e = DistributedEnvironment.from(env).orElseThrow();
    assertThatThrownBy(() -> DistributedContext.connect(e)).isInstanceOf(DistributedException.class)
        .hasMessageContaining("rank 1: the nccl backend").hasMessageContaining("needs CUDA, but CUDA is not available");
  }
}

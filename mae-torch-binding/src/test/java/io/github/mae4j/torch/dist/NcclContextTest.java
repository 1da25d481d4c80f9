package io.github.mae4j.torch.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.torch.Torch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ranks (threads of this JVM, a FileStore rendezvous) on two GPUs with the backend chosen from the device:
 * NCCL for CUDA tensors, Gloo beside it for CPU ones. NCCL refuses two ranks on one GPU, so this needs two; skipped
 * elsewhere (run with {@code -Pgpu -Dsurefire.excludedGroups=slow}).
 */
@Tag("gpu")
class NcclContextTest {
  @TempDir Path dir;

  @Test
  void connect_cudaDevice_choosesNcclAndSumsCudaAndCpuTensors() throws Exception {
    Torch.load();
    Assumptions.assumeTrue(torch.cuda_is_available() && torch.cuda_device_count() >= 2,
        "needs two CUDA devices (NCCL runs one rank per GPU)");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<double[]>> results = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int rank = r;
        results.add(pool.submit(() -> {
          DistributedEnvironment env = new DistributedEnvironment(rank, rank, 2, 2, "", 29500,
              Optional.of(dir.resolve("rdzv")), Duration.ofSeconds(60),
              GradientReducer.Mode.REDUCER);
          try (DistributedContext c = DistributedContext.connect(env, "cuda");
              PointerScope ignored = new PointerScope()) {
            assertThat(c.backendName()).isEqualTo("NCCL + Gloo");
            assertThat(c.deviceFor("cuda")).isEqualTo("cuda:" + rank);
            Tensor gpu = torch.full(new long[] {4}, new org.bytedeco.pytorch.Scalar(rank + 1.0))
                .to(new Device("cuda:" + rank), torch.ScalarType.Float);
            c.allreduceSumInPlace(gpu);
            double cpu = c.allreduceSum(rank + 10.0)[0];
            Tensor b = torch.full(new long[] {2}, new org.bytedeco.pytorch.Scalar(rank * 5.0))
                .to(new Device("cuda:" + rank), torch.ScalarType.Float);
            c.broadcastFromMain(List.of(b));
            return new double[] {gpu.cpu().sum().item_double(), cpu, b.cpu().sum().item_double()};
          }
        }));
      }
      for (Future<double[]> f : results) {
        double[] v = f.get(120, TimeUnit.SECONDS);
        assertThat(v[0]).isEqualTo(4 * 3.0); // (1 + 2) in each of 4 elements
        assertThat(v[1]).isEqualTo(21.0); // 10 + 11 through Gloo
        assertThat(v[2]).isEqualTo(0.0); // rank 0's zeros everywhere
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

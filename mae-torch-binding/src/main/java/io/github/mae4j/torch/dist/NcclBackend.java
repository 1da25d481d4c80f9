package io.github.mae4j.torch.dist;

import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.global.torch_cuda;
import org.bytedeco.pytorch.nccl.ProcessGroupNCCL;

/**
 * Builds c10d's NCCL backend. Kept apart so that {@link ProcessGroupNCCL}, whose natives exist only in the
 * {@code gpu} build of the presets, is loaded only when a run asks for NCCL on a machine with CUDA.
 */
final class NcclBackend {
  private NcclBackend() {}

  /**
   * Makes CUDA device {@code localRank} this process's current device (one GPU per process, as torchrun runs it) and
   * forms the NCCL backend over {@code store} under the prefix torch gives it ({@code "cuda/"}), with {@code ms} as
   * its collective timeout.
   */
  static Backend create(Store store, int rank, int worldSize, int localRank, long ms) {
    torch_cuda.set_device((byte) localRank);
    ProcessGroupNCCL.Options options = new ProcessGroupNCCL.Options();
    options.timeout(new Milliseconds(ms));
    return new ProcessGroupNCCL(new PrefixStore("cuda/", store), rank, worldSize, options);
  }
}

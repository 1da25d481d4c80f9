package io.github.mae4j.torch.downstream.knn;

import io.github.mae4j.torch.dist.DistributedContext;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.eval.TopKAccuracy;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * k-NN accuracy of a masked autoencoder's encoder while it trains: the mean patch token (after the encoder's final
 * norm, no masking) of a labelled bank and of query images, then {@link KnnClassifier}. Call it between epochs
 * (outside the step scopes); the model's training flag is restored and no random generator is drawn from. The bank
 * and queries stay on the CPU; on a CUDA model each batch is moved to the device and its features back.
 *
 * <p>In a data-parallel job ({@link #evaluate(MaskedAutoencoder, int, DistributedContext)}) each rank computes the
 * features of its contiguous share of the bank and of the queries (rows {@code [n·r/W, n·(r+1)/W)}), writes them into
 * a zero buffer of all rows and the ranks sum the buffers (one c10d allreduce each for the bank and the queries), so
 * every rank classifies the same features a single process would compute, for 1/W of the encoder's work.
 */
public final class KnnMonitor {
  private final LabeledImages bank;
  private final LabeledImages queries;
  private final int numClasses;
  private final int k;
  private final double temperature;

  public KnnMonitor(LabeledImages bank, LabeledImages queries, int numClasses, int k, double temperature) {
    this.bank = bank;
    this.queries = queries;
    this.numClasses = numClasses;
    this.k = k;
    this.temperature = temperature;
  }

  /** Number of labelled bank images. */
  public long bankSize() {
    return bank.size();
  }

  /** Number of query images. */
  public long querySize() {
    return queries.size();
  }

  /** Top-1 (index 0) and top-5 (index 1) k-NN accuracy of the queries against the bank. */
  public TopKAccuracy evaluate(MaskedAutoencoder mae, int batch) {
    Tensor bankF = features(mae, bank.images(), batch);
    Tensor queryF = features(mae, queries.images(), batch);
    try (KnnClassifier knn = new KnnClassifier(bankF, bank.labels(), numClasses, k, temperature)) {
      return knn.evaluate(queryF, queries.labels(), batch);
    } finally {
      bankF.close();
      queryF.close();
    }
  }

  /**
   * The same as one rank of {@code dist}: this rank encodes its share of the bank and of the queries, the features
   * are gathered across the ranks (a sum of zero-padded buffers), and every rank returns the accuracy of the whole
   * set — that of one process. Every rank must call it at the same point; a single-process context encodes all.
   */
  public TopKAccuracy evaluate(MaskedAutoencoder mae, int batch, DistributedContext dist) {
    Tensor bankF = gatheredFeatures(mae, bank.images(), batch, dist);
    Tensor queryF = gatheredFeatures(mae, queries.images(), batch, dist);
    try (KnnClassifier knn = new KnnClassifier(bankF, bank.labels(), numClasses, k, temperature)) {
      return knn.evaluate(queryF, queries.labels(), batch);
    } finally {
      bankF.close();
      queryF.close();
    }
  }

  /**
   * images [N, C, H, W] → mean patch features [N, D] of every row, this rank encoding rows
   * {@code [N·r/W, N·(r+1)/W)} and the others' rows summed in from the other ranks (zero elsewhere, so the sum is
   * exact).
   */
  static Tensor gatheredFeatures(MaskedAutoencoder mae, Tensor images, int batch, DistributedContext dist) {
    if (!dist.isDistributed()) {
      return features(mae, images, batch);
    }
    long n = images.size(0);
    long start = n * dist.rank() / dist.worldSize();
    long end = n * (dist.rank() + 1) / dist.worldSize();
    Tensor out = Tensors.zeros(n, mae.config().getEncoder().getEmbedDim());
    if (end > start) {
      Tensor mine = features(mae, images.narrow(0, start, end - start), batch);
      try (PointerScope scope = new PointerScope()) {
        out.narrow(0, start, end - start).copy_(mine);
      } finally {
        mine.close();
      }
    }
    dist.allreduceSumInPlace(out);
    return out;
  }

  /** images [N, C, H, W] → mean patch features [N, D], in batches, without gradients. */
  static Tensor features(MaskedAutoencoder mae, Tensor images, int batch) {
    long n = images.size(0);
    // allocated before the per-batch scopes so that it outlives them
    Tensor out = Tensors.zeros(n, mae.config().getEncoder().getEmbedDim());
    boolean wasTraining = mae.module().is_training();
    mae.train(false);
    try {
      for (long s = 0; s < n; s += batch) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
          long len = Math.min(batch, n - s);
          Tensor x = images.narrow(0, s, len);
          if (mae.device().isCuda()) {
            x = x.to(mae.device().toTorch(), org.bytedeco.pytorch.global.torch.ScalarType.Float);
          }
          out.narrow(0, s, len).copy_(mae.features(x).meanPatch());
        }
      }
    } finally {
      mae.train(wasTraining);
    }
    return out;
  }
}

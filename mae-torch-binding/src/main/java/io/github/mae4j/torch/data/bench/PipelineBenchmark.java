package io.github.mae4j.torch.data.bench;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.data.Batch;
import io.github.mae4j.torch.data.DataLoader;
import io.github.mae4j.torch.data.EpochIterator;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.Normalization;
import io.github.mae4j.torch.data.PretrainTransform;
import io.github.mae4j.torch.data.Sample;
import io.github.mae4j.torch.data.SyntheticDataset;
import io.github.mae4j.torch.data.Transform;
import io.github.mae4j.torch.internal.CpuInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;

/**
 * Images per second of the data pipeline alone (no model): datasets → transform → off-heap batch → tensor.
 *
 * <pre>
 * ./mvnw -q -B -pl mae-torch-binding -am compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=runtime
 * java --enable-native-access=ALL-UNNAMED -cp "mae-torch-binding/target/classes:$(cat /tmp/cp.txt)" \
 *     io.github.mae4j.torch.data.bench.PipelineBenchmark [--batches 30] [--workers 2] [--batch 64]
 * </pre>
 *
 * <p>Cases: synthetic 224-px RGB with RandomResizedCrop(224, 0.2–1) + flip + ImageNet normalization; Fashion-MNIST
 * (Debian files) at 28 px with RandomResizedCrop(28) + flip + its own estimated normalization; plus single-thread
 * rates of the stages (render, augment) to show where the time goes.
 */
public final class PipelineBenchmark {
  private PipelineBenchmark() {}

  public static void main(String[] args) throws IOException {
    int batches = intArg(args, "--batches", 30);
    int workers = intArg(args, "--workers", 2);
    int batch = intArg(args, "--batch", 64);
    Torch.load();
    System.out.println("cpu: " + CpuInfo.read() + ", java " + Runtime.version() + ", load average " + loadAverage());
    System.out.printf(Locale.ROOT, "settings: batch %d, workers %d, %d timed batches after 3 warm-up%n", batch,
        workers, batches);

    SyntheticDataset synthetic = SyntheticDataset.of(100_000, 224, 3, 0);
    Transform pretrain = PretrainTransform.randomResizedCrop(224).hflip().normalize(Normalization.imagenet());
    stages(synthetic, pretrain, 100);
    run("synthetic 224px RRC+flip+norm", synthetic, pretrain, batch, workers, batches);
    run("synthetic 224px RRC+flip+norm, 1 worker", synthetic, pretrain, batch, 1, Math.max(5, batches / 2));

    if (FashionMnist.debianInstalled()) {
      ImageDataset fashion = FashionMnist.debian(FashionMnist.Split.TRAIN);
      Normalization n = Normalization.estimate(fashion, 2000);
      System.out.printf(Locale.ROOT, "fashion-mnist estimated normalization: mean %.4f std %.4f%n", n.mean()[0],
          n.std()[0]);
      Transform t = PretrainTransform.randomResizedCrop(28).hflip().normalize(n);
      run("fashion-mnist 28px RRC+flip+norm", fashion, t, batch, workers, batches * 10);
      run("fashion-mnist 28px no transform", fashion, Transform.identity(), batch, workers, batches * 10);
    } else {
      System.out.println("fashion-mnist: not installed (apt-get install dataset-fashion-mnist), skipped");
    }
  }

  /** Single-thread cost of each stage on {@code n} images. */
  private static void stages(SyntheticDataset ds, Transform t, int n) throws IOException {
    for (int i = 0; i < 100; i++) {
      t.apply(ds.read(i), new SplittableRandom(i)); // warm up (JIT)
    }
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long c0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    Sample[] samples = new Sample[n];
    for (int i = 0; i < n; i++) {
      samples[i] = ds.read(1000 + i);
    }
    long t1 = System.nanoTime();
    long c1 = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      t.apply(samples[i], new SplittableRandom(i));
    }
    long t2 = System.nanoTime();
    long c2 = threads.getCurrentThreadCpuTime();
    System.out.printf(Locale.ROOT, "stage, 1 thread: render synthetic 224px %.0f img/s (%.2f CPU ms/img), "
        + "RRC+flip+norm %.0f img/s (%.2f CPU ms/img)%n", n / ((t1 - t0) / 1e9), (c1 - c0) / 1e6 / n,
        n / ((t2 - t1) / 1e9), (c2 - c1) / 1e6 / n);
  }

  private static void run(String name, ImageDataset ds, Transform t, int batch, int workers, int batches) {
    try (DataLoader loader = DataLoader.builder(ds).batchSize(batch).workers(workers).prefetch(4).seed(1)
        .transform(t).dropLast(true).build();
        EpochIterator it = loader.epoch(0)) {
      double checksum = 0;
      long start = 0;
      long cpuStart = 0;
      int images = 0;
      for (int b = 0; b < batches + 3 && it.hasNext(); b++) {
        if (b == 3) {
          start = System.nanoTime();
          cpuStart = processCpuNanos();
          images = 0;
        }
        try (Batch x = it.next()) {
          Tensor images4d = x.images();
          checksum += x.value(0, 0, 0, 0);
          images += (int) images4d.size(0);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuMs = (processCpuNanos() - cpuStart) / 1e6;
      System.out.printf(Locale.ROOT,
          "%-42s %8.0f images/s  %.3f CPU ms/img  (%d images in %.2f s, skipped %d, checksum %.3f)%n",
          name, images / seconds, cpuMs / images, images, seconds, loader.skippedCount(), checksum);
    }
  }

  /** CPU time of the whole process (all threads), the measure that does not depend on other load. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}

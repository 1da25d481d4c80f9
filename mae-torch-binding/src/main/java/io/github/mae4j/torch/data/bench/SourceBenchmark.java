package io.github.mae4j.torch.data.bench;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.data.Batch;
import io.github.mae4j.torch.data.DataLoader;
import io.github.mae4j.torch.data.EpochIterator;
import io.github.mae4j.torch.data.ImageDataset;
import io.github.mae4j.torch.data.ImageFolderDataset;
import io.github.mae4j.torch.data.Normalization;
import io.github.mae4j.torch.data.PretrainTransform;
import io.github.mae4j.torch.data.ShardLoader;
import io.github.mae4j.torch.data.ShardStream;
import io.github.mae4j.torch.data.ShardWriter;
import io.github.mae4j.torch.data.TarShards;
import io.github.mae4j.torch.data.Transform;
import io.github.mae4j.torch.internal.CpuInfo;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Images per second of the pretraining input pipeline alone (no model) from an image folder and from tar shards of
 * the same JPEGs: RandomResizedCrop(224, 0.2–1) + horizontal flip + ImageNet normalization, batches of 64, with 1
 * and 2 loader workers, for shards also read sequentially as pretraining reads them ({@link ShardLoader}); plus
 * the bare sequential read of the shards ({@link ShardStream}, no decoding). The JPEGs
 * are generated once (≈500×375, quality 90, shapes and gradients with mild noise, about the size and entropy of an
 * ImageNet photo; {@code --size 2000x1500} for large photos, in another {@code --dir}) under {@code --dir}. Each line is run with both JPEG decoders back to back, javax.imageio and OpenCV
 * (libjpeg-turbo), unless {@code -Dmae4j.decoder=imageio|opencv} names one.
 *
 * <pre>
 * ./mvnw -q -B -pl mae-torch-binding -am compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=runtime
 * java --enable-native-access=ALL-UNNAMED -cp "mae-torch-binding/target/classes:$(cat /tmp/cp.txt)" \
 *     io.github.mae4j.torch.data.bench.SourceBenchmark [--dir /tmp/mae4j-bench] [--images 1024] [--batches 12] \
 *     [--warmup 2] [--size 500x375]
 * </pre>
 */
public final class SourceBenchmark {
  private SourceBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(arg(args, "--dir", "/tmp/mae4j-source-bench"));
    int images = Integer.parseInt(arg(args, "--images", "1024"));
    int batches = Integer.parseInt(arg(args, "--batches", "12"));
    warmup = Integer.parseInt(arg(args, "--warmup", "2"));
    String[] size = arg(args, "--size", "500x375").split("x");
    if (size.length != 2) {
      throw new IllegalArgumentException("--size must be WIDTHxHEIGHT, e.g. 500x375, got " + String.join("x", size));
    }
    int width = Integer.parseInt(size[0]);
    int height = Integer.parseInt(size[1]);
    Torch.load();
    System.out.println("cpu: " + CpuInfo.read() + ", java "
        + Runtime.version() + ", load average " + loadAverage());
    Path folder = dir.resolve("folder");
    if (!Files.isDirectory(folder)) {
      generate(folder, images, width, height);
    }
    ImageFolderDataset ds = ImageFolderDataset.open(folder, 3);
    long bytes;
    try (Stream<Path> s = Files.walk(folder)) {
      bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf(Locale.ROOT, "data: %d JPEGs %dx%d q90 (as generated in %s), %.1f KiB each on average%n",
        ds.size(), width, height, folder, bytes / 1024.0 / ds.size());
    Path shardDir = dir.resolve("shards");
    if (!Files.isDirectory(shardDir)) {
      ShardWriter.fromFolder(ds, shardDir, 256, 0, (a, b) -> 0);
    }
    String pattern;
    try (Stream<Path> s = Files.list(shardDir)) {
      long n = s.filter(p -> p.toString().endsWith(".tar")).count();
      pattern = shardDir.resolve(String.format(Locale.ROOT, "shard-{000000..%06d}.tar", n - 1)).toString();
    }
    TarShards shards = TarShards.open(pattern, 3, System.err::println);
    Transform t = PretrainTransform.randomResizedCrop(224).hflip().normalize(Normalization.imagenet());
    System.out.println("pipeline: RandomResizedCrop(224, 0.2-1) + flip + ImageNet normalization, batch 64, "
        + batches + " timed batches after " + warmup + " warm-up");
    sequential(pattern);
    String only = System.getProperty(DECODER_PROPERTY);
    for (String decoder : only != null ? new String[] {only} : new String[] {"imageio", "opencv"}) {
      System.setProperty(DECODER_PROPERTY, decoder); // read by the decoder on every image
      for (int workers : new int[] {1, 2}) {
        run("folder, " + workers + " worker(s), " + decoder, ds, t, workers, batches);
        run("shards, " + workers + " worker(s), " + decoder, shards, t, workers, batches);
        sequentialRun("shards seq., " + workers + " worker(s), " + decoder, shards, t, workers, batches);
      }
    }
  }

  /** ImageDecoder's switch between javax.imageio and OpenCV (libjpeg-turbo). */
  private static final String DECODER_PROPERTY = "mae4j.decoder";

  private static void sequential(String pattern) {
    ShardStream stream = new ShardStream(io.github.mae4j.torch.data.ShardPattern.expand(pattern), 0, 64,
        System.err::println);
    long t0 = System.nanoTime();
    long n = 0;
    long bytes = 0;
    for (Iterator<ShardStream.Item> it = stream.items(0, 0, 1, 0, 1); it.hasNext(); ) {
      bytes += it.next().image().length;
      n++;
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "%-36s %8.0f images/s  (%.0f MiB/s, sequential tar read + shuffle buffer, no "
        + "decoding)%n", "shards, read only", n / s, bytes / s / (1 << 20));
  }

  private static int warmup = 2;

  /** As {@link #run}, reading the shards sequentially as pretraining does ({@link ShardLoader}). */
  private static void sequentialRun(String name, TarShards shards, Transform t, int workers, int batches) {
    try (ShardLoader loader = new ShardLoader(shards, t, 64, workers, 0, 1, 1, batches + warmup, 256,
        System.err::println);
        ShardLoader.Epoch it = loader.epoch(0)) {
      time(name, it, batches);
    }
  }

  private static void run(String name, ImageDataset ds, Transform t, int workers, int batches) {
    try (DataLoader loader = DataLoader.builder(ds).batchSize(64).workers(workers).prefetch(4).seed(1).transform(t)
        .dropLast(true).build();
        EpochIterator it = loader.epoch(0)) {
      time(name, it, batches);
    }
  }

  /** Reads {@code warmup} batches, then times {@code batches} more: images/s and CPU ms per image, one line. */
  private static void time(String name, java.util.Iterator<Batch> it, int batches) {
    long start = 0;
    long cpu0 = 0;
    int n = 0;
    for (int b = 0; b < batches + warmup && it.hasNext(); b++) {
      if (b == warmup) {
        start = System.nanoTime();
        cpu0 = cpuNanos();
        n = 0;
      }
      try (Batch x = it.next()) {
        n += (int) x.images().size(0);
      }
    }
    double s = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "%-36s %8.1f images/s  %.2f CPU ms/img  (%d images in %.1f s)%n", name, n / s,
        (cpuNanos() - cpu0) / 1e6 / n, n, s);
  }

  /** {@code n} JPEGs of {@code w × h} at quality 90 in two class folders (shapes scaled with the size). */
  static void generate(Path folder, int n, int w, int h) throws IOException {
    double k = w / 500.0;
    SplittableRandom r = new SplittableRandom(42);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam p = writer.getDefaultWriteParam();
    p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    p.setCompressionQuality(0.9f);
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(new GradientPaint(0, 0, new Color(r.nextInt(1 << 24)), w, h, new Color(r.nextInt(1 << 24))));
      g.fillRect(0, 0, w, h);
      for (int j = 0; j < 12; j++) {
        g.setColor(new Color(r.nextInt(1 << 24)));
        int x = r.nextInt(w);
        int y = r.nextInt(h);
        if (j % 2 == 0) {
          g.fillOval(x - (int) (60 * k), y - (int) (40 * k), (int) (k * (20 + r.nextInt(160))),
              (int) (k * (20 + r.nextInt(120))));
        } else {
          g.fillRect(x - (int) (50 * k), y - (int) (50 * k), (int) (k * (10 + r.nextInt(140))),
              (int) (k * (10 + r.nextInt(140))));
        }
      }
      g.dispose();
      int[] px = img.getRGB(0, 0, w, h, null, 0, w);
      for (int q = 0; q < px.length; q++) { // sensor-like noise, so the JPEG is not trivially compressible
        int d = r.nextInt(-12, 13);
        int c = px[q];
        px[q] = clamp((c >> 16 & 255) + d) << 16 | clamp((c >> 8 & 255) + d) << 8 | clamp((c & 255) + d);
      }
      img.setRGB(0, 0, w, h, px, 0, w);
      Path f = folder.resolve((i % 2 == 0 ? "a" : "b") + "/" + String.format(Locale.ROOT, "%06d.jpg", i));
      Files.createDirectories(f.getParent());
      try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(img, null, null), p);
      }
    }
    writer.dispose();
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}

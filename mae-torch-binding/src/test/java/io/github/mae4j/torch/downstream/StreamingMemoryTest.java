package io.github.mae4j.torch.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.OptimizerSpec;
import io.github.mae4j.torch.downstream.finetune.FinetuneRun;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning streams a labelled folder: a child JVM with a 40 MiB heap fine-tunes on a folder that is larger than
 * its heap on disk and about 4× larger once decoded at the model's size (the in-memory path refused such a folder),
 * and its peak resident set size (VmRSS, polled) exceeds the same run's on one batch of images by far less than the
 * folder's decoded size.
 */
class StreamingMemoryTest {
  static final int IMAGES = 280;
  static final int SIZE = 224;
  /** One batch of the child's recipe. */
  static final int TINY = 20;

  @TempDir Path dir;

  @Test
  void finetune_folderLargerThanTheHeap_runsInAChildJvmWith40MiBAndBoundedRss() throws Exception {
    SplittableRandom r = new SplittableRandom(1);
    Path tinyTrain = folder(dir.resolve("tiny/train"), TINY, r);
    Path train = folder(dir.resolve("big/train"), IMAGES, r);
    Path val = folder(dir.resolve("val"), 8, r);
    long onDisk;
    try (Stream<Path> s = Files.walk(train)) {
      onDisk = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    long heap = 40L << 20;
    long decoded = (long) IMAGES * 3 * SIZE * SIZE * Float.BYTES;
    assertThat(onDisk).isGreaterThan(heap);
    assertThat(decoded).isGreaterThan(4 * heap);

    // the fixed footprint (JVM, libtorch, model, one batch in flight): the same run on one batch of images
    ChildRun tiny = runChild(tinyTrain, val);
    assertThat(tiny.out()).contains("found " + TINY + " images of 2 classes", "top-1 ");
    ChildRun big = runChild(train, val);
    assertThat(big.out()).contains("found " + IMAGES + " images of 2 classes", "max heap 40 MiB", "top-1 ");
    long grown = big.peakRss() - tiny.peakRss();
    System.out.printf("peak RSS: %d MiB with %d images, %d MiB with %d images (decoded %d MiB, heap 40 MiB): "
        + "+%d MiB%n", big.peakRss() >> 20, IMAGES, tiny.peakRss() >> 20, TINY, decoded >> 20, grown >> 20);
    // streaming: the larger folder costs at most a heap's growth plus slack, far less than holding it decoded
    assertThat(tiny.peakRss()).isPositive();
    assertThat(grown).as("peak RSS %d MiB (%d images) vs %d MiB (%d images)", big.peakRss() >> 20, IMAGES,
        tiny.peakRss() >> 20, TINY).isLessThan(decoded / 2);
  }

  private record ChildRun(String out, long peakRss) {}

  /** Runs {@link Child} with a 40 MiB heap, polling its resident set size (VmRSS) every 20 ms while it runs. */
  private static ChildRun runChild(Path train, Path val) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx40m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", cp,
        Child.class.getName(), train.toString(), val.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    Path status = Path.of("/proc/" + p.pid() + "/status");
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try (var in = p.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    long peak = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (p.isAlive() && System.nanoTime() < deadline) {
      peak = Math.max(peak, vmRss(status));
      Thread.sleep(20);
    }
    boolean done = p.waitFor(1, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String text = out.get(10, TimeUnit.SECONDS);
    assertThat(done).as("child finished in time; output:\n" + text).isTrue();
    assertThat(p.exitValue()).as(text).isZero();
    return new ChildRun(text, peak);
  }

  /** VmRSS of /proc/PID/status in bytes, 0 once the process is gone. */
  private static long vmRss(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // exited between the check and the read
    }
    return 0;
  }

  private static Path folder(Path root, int n, SplittableRandom r) throws IOException {
    for (int i = 0; i < n; i++) {
      noisePng(root.resolve("c" + (i % 2) + "/" + i + ".png"), r);
    }
    return root;
  }

  private static void noisePng(Path file, SplittableRandom r) throws IOException {
    BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  /** The child: one epoch of fine-tuning a tiny ViT on the folders, printing what it read and its heap. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      System.out.println("max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
      FinetuneRecipe recipe = FinetuneRecipe.builder().name("stream")
          .model(MaeConfig.builder().imageSize(SIZE).patchSize(32).encoder(e -> e.embedDim(16).depth(1).numHeads(2))
              .build())
          .normalization(Normalization.imagenet()).numClasses(2).epochs(1).warmupEpochs(0).effectiveBatchSize(20)
          .batchSizePerStep(20).baseLearningRate(1e-3).dropPath(0).mixup(0).cutmix(0)
          .optimizer(OptimizerSpec.adamw(0.9, 0.999, 0.05)).augmentation(Augmentation.none()).build();
      var result = FinetuneRun.builder(recipe)
          .data(DownstreamData.folders(Path.of(args[0]), Path.of(args[1]), 0, 0))
          .log(System.out::println).build().run();
      System.out.println("top-1 " + result);
      System.out.println("heap used " + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory())
          / (1 << 20) + " MiB; " + Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("VmHWM")).findFirst().orElse(""));
    }
  }
}

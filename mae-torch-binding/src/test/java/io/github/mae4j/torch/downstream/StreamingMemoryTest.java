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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning streams a labelled folder: a child JVM with a 40 MiB heap fine-tunes on a folder that is larger than
 * its heap on disk and about 4× larger once decoded at the model's size (the in-memory path refused such a folder).
 */
class StreamingMemoryTest {
  static final int IMAGES = 280;
  static final int SIZE = 224;

  @TempDir Path dir;

  @Test
  void finetune_folderLargerThanTheHeap_runsInAChildJvmWith40MiB() throws Exception {
    Path train = dir.resolve("train");
    Path val = dir.resolve("val");
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < IMAGES; i++) {
      noisePng(train.resolve("c" + (i % 2) + "/" + i + ".png"), r);
    }
    for (int i = 0; i < 8; i++) {
      noisePng(val.resolve("c" + (i % 2) + "/" + i + ".png"), r);
    }
    long onDisk;
    try (Stream<Path> s = Files.walk(train)) {
      onDisk = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    long heap = 40L << 20;
    assertThat(onDisk).isGreaterThan(heap);
    assertThat((long) IMAGES * 3 * SIZE * SIZE * Float.BYTES).isGreaterThan(4 * heap);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx40m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", cp,
        Child.class.getName(), train.toString(), val.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out;
    try (var in = p.getInputStream()) {
      boolean done = p.waitFor(240, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(done).as("child finished in time; output:\n" + out).isTrue();
    }
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("found " + IMAGES + " images of 2 classes", "max heap 40 MiB", "top-1 ");
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

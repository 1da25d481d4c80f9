package io.github.mae4j.torch.downstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.data.EvalTransform;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledFolderTest {
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  /** A w×h RGB PNG filled with one grey level. */
  static void png(Path file, int w, int h, int grey) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(grey, grey, grey));
    g.fillRect(0, 0, w, h);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  /** b_cat: 3 images of grey 200; a_dog: 2 images of grey 40; sizes differ. */
  private Path twoClasses() throws IOException {
    Path root = dir.resolve("train");
    png(root.resolve("b_cat/1.png"), 40, 30, 200);
    png(root.resolve("b_cat/2.png"), 30, 50, 200);
    png(root.resolve("b_cat/sub/3.png"), 20, 20, 200);
    png(root.resolve("a_dog/x.png"), 17, 23, 40);
    png(root.resolve("a_dog/y.png"), 64, 64, 40);
    return root;
  }

  @Test
  void read_classSubFolders_labelsBySortedNameAndOneShape() throws IOException {
    LabeledFolder f = LabeledFolder.read(twoClasses(), 1, EvalTransform.resizeCenterCrop(16, 16), 0, true);
    assertThat(f.classes()).containsExactly("a_dog", "b_cat");
    assertThat(f.numClasses()).isEqualTo(2);
    assertThat(f.data().images().shape()).containsExactly(5, 1, 16, 16);
    assertThat(Tensors.toLongArray(f.data().labels())).containsExactly(0, 0, 1, 1, 1);
    float[] px = Tensors.toFloatArray(f.data().images());
    // a flat grey stays flat through resize + crop: first image (dog) 40/255, last (cat) 200/255
    assertThat(px[0]).isCloseTo(40 / 255f, within(1e-4f));
    assertThat(px[px.length - 1]).isCloseTo(200 / 255f, within(1e-4f));
  }

  @Test
  void read_rgbModel_convertsGreyImagesToThreeChannels() throws IOException {
    LabeledFolder f = LabeledFolder.read(twoClasses(), 3, EvalTransform.resizeCenterCrop(8, 8), 0, true);
    assertThat(f.data().images().shape()).containsExactly(5, 3, 8, 8);
  }

  @Test
  void read_limit_takesImagesEvenlySpacedSoEveryClassStays() throws IOException {
    LabeledFolder f = LabeledFolder.read(twoClasses(), 1, EvalTransform.resizeCenterCrop(8, 8), 3, true);
    // indices 0, 5/3 → 1, 10/3 → 3
    assertThat(Tensors.toLongArray(f.data().labels())).containsExactly(0, 0, 1);
  }

  @Test
  void stream_gatherAndRange_equalTheInMemoryRows() throws IOException {
    Path root = twoClasses();
    EvalTransform t = EvalTransform.resizeCenterCrop(8, 8);
    LabeledImages all = LabeledFolder.read(root, 1, t, 0, true).data();
    StreamedImages s = LabeledFolder.stream(root, 1, t, 0, true);
    assertThat(s.size()).isEqualTo(5);
    assertThat(Tensors.toLongArray(s.labels())).containsExactly(0, 0, 1, 1, 1);
    var idx = org.bytedeco.pytorch.Tensor.create(new long[] {4, 0, 2}, 3);
    LabeledImages picked = s.gather(idx);
    assertThat(picked.images().shape()).containsExactly(3, 1, 8, 8);
    assertThat(Tensors.toFloatArray(picked.images())).containsExactly(Tensors.toFloatArray(all.gather(idx).images()));
    assertThat(Tensors.toLongArray(picked.labels())).containsExactly(1, 0, 1);
    assertThat(Tensors.toFloatArray(s.range(1, 3).images())).containsExactly(
        Tensors.toFloatArray(all.range(1, 3).images()));
    s.prefetch(idx); // taken: the same rows
    assertThat(Tensors.toFloatArray(s.gather(idx).images())).containsExactly(Tensors.toFloatArray(picked.images()));
    s.prefetchRange(0, 2); // not taken: other rows are asked for, the prefetch is dropped
    assertThat(Tensors.toFloatArray(s.range(1, 3).images())).containsExactly(
        Tensors.toFloatArray(all.range(1, 3).images()));
    StreamedImages limited = LabeledFolder.stream(root, 1, t, 3, true);
    assertThat(Tensors.toLongArray(limited.labels())).containsExactly(0, 0, 1);
  }

  @Test
  void stream_truncatedAndEmptyImages_areSkippedWithTheirLabelsToldOnceAndCounted() throws IOException {
    Path root = twoClasses();
    Files.write(root.resolve("a_dog/empty.png"), new byte[0]);
    Path whole = dir.resolve("whole.png");
    BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        noise.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    ImageIO.write(noise, "png", whole.toFile());
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(root.resolve("b_cat/cut.png"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    List<String> told = new java.util.ArrayList<>();
    StreamedImages s = new StreamedImages(io.github.mae4j.torch.data.ImageFolderDataset.open(root, 1),
        DatasetImages.evenlySpaced(7, 0), EvalTransform.resizeCenterCrop(8, 8), told::add);
    assertThat(s.size()).isEqualTo(7);
    assertThat(Tensors.toLongArray(s.labels())).containsExactly(0, 0, 0, 1, 1, 1, 1);

    s.prefetchRange(0, 4); // skipping works the same in the background
    LabeledImages first = s.range(0, 4);
    LabeledImages rest = s.range(4, 3);
    LabeledImages again = s.range(0, 7);
    assertThat(first.images().size(0) + rest.images().size(0)).isEqualTo(5);
    assertThat(again.images().shape()).containsExactly(5, 1, 8, 8);
    // every image that came stays paired with its own label: dogs are grey 40, cats grey 200
    long[] labels = Tensors.toLongArray(again.labels());
    assertThat(labels).containsExactly(0, 0, 1, 1, 1);
    float[] px = Tensors.toFloatArray(again.images());
    for (int i = 0; i < labels.length; i++) {
      assertThat(px[i * 64]).isCloseTo((labels[i] == 0 ? 40 : 200) / 255f, within(1e-4f));
    }
    assertThat(Tensors.toLongArray(s.labels())).containsExactly(0, 0, 1, 1, 1);
    assertThat(s.skippedCount()).isEqualTo(2);
    assertThat(told).hasSize(2).allMatch(l -> l.startsWith("skipped unreadable image") && !l.contains("\n"));
    assertThat(String.join("\n", told)).contains("empty.png", "cut.png");
    assertThat(s.skipped()).isEqualTo(told);
  }

  @Test
  void read_corruptImage_namesTheFile() throws IOException {
    Path root = twoClasses();
    Files.write(root.resolve("a_dog/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    assertThatThrownBy(() -> LabeledFolder.read(root, 1, EvalTransform.resizeCenterCrop(8, 8), 0, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable image").hasMessageContaining("broken.png");
  }

  @Test
  void read_emptyOrUnlabelledFolder_saysWhatIsMissing() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty/a_dog"));
    assertThatThrownBy(() -> LabeledFolder.read(empty.getParent(), 1, EvalTransform.resizeCenterCrop(8, 8), 0, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no JPEG/PNG images");
    Path flat = dir.resolve("flat");
    png(flat.resolve("a.png"), 8, 8, 0);
    assertThatThrownBy(() -> LabeledFolder.read(flat, 1, EvalTransform.resizeCenterCrop(8, 8), 0, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no class sub-folders");
    LabeledFolder unlabelled = LabeledFolder.read(flat, 1, EvalTransform.resizeCenterCrop(8, 8), 0, false);
    assertThat(Tensors.toLongArray(unlabelled.data().labels())).containsExactly(-1);
    assertThat(unlabelled.numClasses()).isZero();
  }

  @Test
  void requireSameClasses_differentFolders_namesBothLists() {
    assertThatThrownBy(() -> LabeledFolder.requireSameClasses(List.of("a", "b"), Path.of("tr"), List.of("a", "c", "d"),
        Path.of("va")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 classes [a, b]").hasMessageContaining("3 classes [a, c, d]");
    LabeledFolder.requireSameClasses(List.of("a"), Path.of("tr"), List.of("a"), Path.of("va"));
  }

  @Test
  void checkedSize_imagesBeyondOneArrayOrTheHeap_areRefusedNamingTheSizes() {
    // 1,000 images of 3×224×224: 150,528,000 floats, 0.6 GiB; fits a heap of this size or is refused by it
    long heapFree = Runtime.getRuntime().maxMemory()
        - (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
    if (heapFree > 1L << 30) {
      assertThat(DatasetImages.checkedSize(1000, new int[] {3, 224, 224})).isEqualTo(150_528_000);
    }
    // ImageNet's 1.28 M training images at 224 px: 1,281,167 × 150,528 × 4 bytes = 718.4 GiB
    assertThatThrownBy(() -> DatasetImages.checkedSize(1_281_167, new int[] {3, 224, 224}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1281167 images of [3, 224, 224] need 718.4 GiB")
        .hasMessageContaining("--train-limit");
  }
}

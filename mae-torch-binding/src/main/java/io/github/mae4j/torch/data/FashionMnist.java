package io.github.mae4j.torch.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 28×28 gray images of 10 clothing classes, 60000 train / 10000
 * test, as installed by Debian's {@code dataset-fashion-mnist} package.
 */
public final class FashionMnist {
  /** Where Debian installs the files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Class names in label order. */
  public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** Which part of the data set. */
  public enum Split {
    TRAIN("train", 60000),
    TEST("t10k", 10000);

    private final String prefix;
    private final int size;

    Split(String prefix, int size) {
      this.prefix = prefix;
      this.size = size;
    }

    /** Number of images in this split. */
    public int size() {
      return size;
    }
  }

  private FashionMnist() {}

  /** The Debian install, 1 channel. */
  public static IdxDataset debian(Split split) throws IOException {
    return open(DEBIAN_DIR, split, 1);
  }

  /** The Debian install as {@code channels} (1 or 3) channels. */
  public static IdxDataset debian(Split split, int channels) throws IOException {
    return open(DEBIAN_DIR, split, channels);
  }

  /** Whether the Debian files are present. */
  public static boolean debianInstalled() {
    return Files.isRegularFile(imagesFile(DEBIAN_DIR, Split.TRAIN))
        && Files.isRegularFile(imagesFile(DEBIAN_DIR, Split.TEST));
  }

  /**
   * Opens a split from a directory holding {@code train-images-idx3-ubyte[.gz]} etc.
   *
   * @throws IllegalArgumentException when the files are missing (says how to install them)
   */
  public static IdxDataset open(Path dir, Split split, int channels) throws IOException {
    Path images = find(dir, split.prefix + "-images-idx3-ubyte");
    Path labels = find(dir, split.prefix + "-labels-idx1-ubyte");
    return IdxDataset.open(images, labels, channels, CLASSES);
  }

  private static Path imagesFile(Path dir, Split split) {
    Path gz = dir.resolve(split.prefix + "-images-idx3-ubyte.gz");
    return Files.exists(gz) ? gz : dir.resolve(split.prefix + "-images-idx3-ubyte");
  }

  private static Path find(Path dir, String name) {
    for (Path p : List.of(dir.resolve(name + ".gz"), dir.resolve(name))) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new IllegalArgumentException("Fashion-MNIST file " + name + "[.gz] not found in " + dir
        + (dir.equals(DEBIAN_DIR) ? "; install it with: sudo apt-get install dataset-fashion-mnist" : ""));
  }
}

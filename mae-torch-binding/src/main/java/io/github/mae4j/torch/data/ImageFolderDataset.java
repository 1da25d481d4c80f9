package io.github.mae4j.torch.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.random.RandomGenerator;

/**
 * JPEG and PNG files, and multi-band TIFF and NumPy {@code .npy} files ({@link MultibandDecoder}: any channel
 * count, e.g. Sentinel-2's 13 bands), under a directory, searched recursively, decoded on each {@link #read}.
 *
 * <p>Labels follow torchvision's {@code ImageFolder}: when sub-folders of the root hold images, each such
 * sub-folder is a class, classes are the folder names sorted, and a class's images are all images below its
 * folder (symbolic links followed); a sub-folder without images is then an error (as torchvision's), and images
 * lying directly in the root are ignored (with a warning). When no sub-folder holds images,
 * the root's images are unlabeled (label -1). Files are sorted by path, so indices are stable.
 *
 * <p>JPEG/PNG images of any size and of any ImageIO color model are accepted and converted to {@code channels}
 * (1 or 3) as {@link ChannelConversion} describes (multi-band files as {@link MultibandDecoder} does); CMYK JPEGs
 * decode with the JDK 25 JPEG reader this project runs on (checked in {@code ImageFolderDatasetTest}) and go
 * through the sRGB conversion. A file ImageIO cannot decode (corrupt, truncated, a
 * color model it does not know) makes {@link #read} throw an {@link IOException} naming the path; the loader
 * skips it.
 */
public final class ImageFolderDataset implements ImageDataset {
  private static final System.Logger LOG = System.getLogger(ImageFolderDataset.class.getName());

  private final Path root;
  private final int channels;
  private final List<Path> files;
  private final int[] labels;
  private final List<String> classes;

  private ImageFolderDataset(Path root, int channels, List<Path> files, int[] labels, List<String> classes) {
    this.root = root;
    this.channels = channels;
    this.files = files;
    this.labels = labels;
    this.classes = classes;
  }

  /**
   * Scans {@code root}.
   *
   * @param channels 1 (gray), 3 (RGB) or any other count read from multi-band TIFF/.npy files (JPEG/PNG files
   *     then refuse by name when read)
   * @throws IllegalArgumentException when root is not a directory, holds no image, or channels is not positive
   */
  public static ImageFolderDataset open(Path root, int channels) throws IOException {
    return open(root, channels, n -> { });
  }

  /**
   * As {@link #open(Path, int)}, telling {@code counted} the number of images found so far after each class folder
   * (for a progress display while a large folder is scanned).
   */
  public static ImageFolderDataset open(Path root, int channels, java.util.function.LongConsumer counted)
      throws IOException {
    ImageFiles.checkChannels(channels);
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("image folder does not exist or is not a directory: " + root);
    }
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(Files::isDirectory).sorted().toList();
    }
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    for (Path dir : classDirs) {
      List<Path> found = imagesBelow(dir);
      if (found.isEmpty()) {
        empty.add(dir.getFileName().toString());
      } else {
        int label = classes.size();
        classes.add(dir.getFileName().toString());
        files.addAll(found);
        found.forEach(f -> labels.add(label));
        counted.accept(files.size());
      }
    }
    List<Path> top;
    try (Stream<Path> s = Files.list(root)) {
      top = s.filter(ImageFolderDataset::isImage).sorted().toList();
    }
    if (!classes.isEmpty() && !empty.isEmpty()) {
      throw new IllegalArgumentException("class folder(s) " + empty + " under " + root + " hold no JPEG/PNG image "
          + "(nor .tif/.tiff/.npy; the other " + classes.size() + " do): add images or remove them, so that the "
          + "classes are the ones meant (torchvision's ImageFolder refuses them too)");
    }
    if (classes.isEmpty()) {
      files.addAll(top);
      top.forEach(f -> labels.add(-1));
    } else if (!top.isEmpty()) {
      LOG.log(Level.WARNING, "{0} images directly in {1} are ignored: its sub-folders are the classes",
          top.size(), root);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no JPEG/PNG images or multi-band files (" + ImageFiles.PATTERNS
          + ") under " + root);
    }
    return new ImageFolderDataset(root, channels, List.copyOf(files),
        labels.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(classes));
  }

  private static List<Path> imagesBelow(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
      return s.filter(ImageFolderDataset::isImage).sorted().toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  static boolean isImage(Path p) {
    return ImageFiles.isImage(p);
  }

  /** The scanned root directory. */
  public Path root() {
    return root;
  }

  /** The image files, in index order. */
  public List<Path> files() {
    return files;
  }

  @Override
  public int size() {
    return files.size();
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public List<String> classes() {
    return classes;
  }

  @Override
  public Optional<int[]> labels() {
    return Optional.of(labels.clone());
  }

  @Override
  public Sample read(int index) throws IOException {
    Objects.checkIndex(index, size());
    return ImageFiles.read(files.get(index), channels, labels[index]);
  }

  @Override
  public Sample readForResize(int index, int shortSide) throws IOException {
    Objects.checkIndex(index, size());
    return ImageFiles.readForResize(files.get(index), channels, labels[index], shortSide);
  }

  @Override
  public Sample readTransformed(int index, Transform transform, RandomGenerator rng) throws IOException {
    Objects.checkIndex(index, size());
    return ImageFiles.readTransformed(files.get(index), channels, labels[index], transform, rng);
  }

  @Override
  public String describe(int index) {
    return files.get(index).toString();
  }
}

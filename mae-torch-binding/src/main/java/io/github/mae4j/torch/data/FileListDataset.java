package io.github.mae4j.torch.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Images listed in a text file, one {@code path,label} a line, for data that lives in its own layout (JPEG, PNG,
 * or multi-band TIFF/.npy files of any channel count, read as {@link ImageFolderDataset} reads them). Paths are
 * relative to the list's folder unless absolute (the label is after the LAST comma, so paths may hold commas); the
 * label is a class number (classes are then {@code 0..max}) or a class name (classes are the names sorted, as
 * folders are); an empty label or no comma at all means unlabelled. Blank lines, lines starting with {@code #} and a
 * first line {@code path,label} are ignored.
 *
 * <p>A listed file that does not exist is skipped with one line to {@code log} (and counted); a list with no existing
 * file, a label that mixes numbers and names, a negative number, or some lines labelled and others not is an
 * {@link IllegalArgumentException} naming the line.
 */
public final class FileListDataset implements ImageDataset {
  private final Path list;
  private final int channels;
  private final List<Path> files;
  private final int[] labels;
  private final List<String> classes;
  private final int missing;

  private FileListDataset(Path list, int channels, List<Path> files, int[] labels, List<String> classes, int missing) {
    this.list = list;
    this.channels = channels;
    this.files = List.copyOf(files);
    this.labels = labels;
    this.classes = List.copyOf(classes);
    this.missing = missing;
  }

  /** True when {@code spec} names a file list: an existing regular file ending in {@code .csv} or {@code .txt}. */
  public static boolean isFileList(String spec) {
    return (spec.endsWith(".csv") || spec.endsWith(".txt")) && Files.isRegularFile(Path.of(spec));
  }

  /**
   * Reads the list.
   *
   * @throws IllegalArgumentException as the class description says
   * @throws IOException when the list cannot be read
   */
  public static FileListDataset open(Path list, int channels, Consumer<String> log) throws IOException {
    ImageFiles.checkChannels(channels);
    if (!Files.isRegularFile(list)) {
      throw new IllegalArgumentException("file list " + list + " does not exist");
    }
    Path base = Objects.requireNonNullElse(list.toAbsolutePath().getParent(), Path.of("."));
    List<String> lines = Files.readAllLines(list, StandardCharsets.UTF_8);
    List<Path> files = new ArrayList<>();
    List<String> labelText = new ArrayList<>();
    List<Integer> lineNumbers = new ArrayList<>();
    int missing = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || (i == 0 && line.equalsIgnoreCase("path,label"))) {
        continue;
      }
      int comma = line.lastIndexOf(',');
      String path = (comma < 0 ? line : line.substring(0, comma)).strip();
      String label = comma < 0 ? "" : line.substring(comma + 1).strip();
      Path file = base.resolve(path);
      if (!Files.isRegularFile(file)) {
        missing++;
        log.accept("skipped missing file: " + list + " line " + (i + 1) + " names " + file + ", which does not exist");
        continue;
      }
      files.add(file);
      labelText.add(label);
      lineNumbers.add(i + 1);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("file list " + list + " names no existing image (" + missing
          + " missing)");
    }
    long labelled = labelText.stream().filter(s -> !s.isEmpty()).count();
    int[] labels = new int[files.size()];
    List<String> classes = List.of();
    if (labelled > 0 && labelled < files.size()) {
      int at = labelText.indexOf("");
      throw new IllegalArgumentException("file list " + list + " labels some images but not line "
          + lineNumbers.get(at) + " (" + files.get(at) + "): label every line or none");
    }
    if (labelled > 0) {
      boolean numbers = labelText.get(0).matches("-?\\d+");
      TreeSet<String> names = new TreeSet<>();
      int max = -1;
      for (int i = 0; i < files.size(); i++) {
        String t = labelText.get(i);
        boolean isNumber = t.matches("-?\\d+");
        if (isNumber != numbers) {
          throw new IllegalArgumentException("file list " + list + " line " + lineNumbers.get(i) + " has label '" + t
              + "' but line " + lineNumbers.get(0) + " has '" + labelText.get(0)
              + "': use class numbers or class names, not both");
        }
        if (numbers) {
          labels[i] = Integer.parseInt(t);
          if (labels[i] < 0) {
            throw new IllegalArgumentException("file list " + list + " line " + lineNumbers.get(i) + " has label "
                + t + ": class numbers are >= 0");
          }
          max = Math.max(max, labels[i]);
        } else {
          names.add(t);
        }
      }
      if (numbers) {
        classes = java.util.stream.IntStream.rangeClosed(0, max).mapToObj(Integer::toString).toList();
      } else {
        classes = List.copyOf(names);
        for (int i = 0; i < files.size(); i++) {
          labels[i] = classes.indexOf(labelText.get(i));
        }
      }
    } else {
      java.util.Arrays.fill(labels, -1);
    }
    return new FileListDataset(list, channels, files, labels, classes, missing);
  }

  /** Listed files that did not exist when the list was read. */
  public int missingFiles() {
    return missing;
  }

  /** The existing files, in list order. */
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

  @Override
  public String toString() {
    return "file list " + list + " (" + size() + " images)";
  }
}

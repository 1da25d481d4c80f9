package io.github.mae4j.torch.downstream;

import io.github.mae4j.torch.data.ImageFolderDataset;
import io.github.mae4j.torch.data.Transform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A folder of images read into memory for the downstream tasks, labelled as torchvision's {@code ImageFolder}
 * labels: {@code root/<class>/…/<image>.png|jpg}, classes are the sub-folder names sorted, label = index in that
 * list ({@link ImageFolderDataset} scans). Every image is converted to the model's channel count (gray ↔ RGB) and
 * passed through a deterministic transform (resize + centre crop + normalize), so all come out the same size.
 *
 * @param root the folder
 * @param classes class names in label order; empty for an unlabeled folder (labels -1)
 * @param data images [N, C, S, S] and labels [N]
 */
public record LabeledFolder(Path root, List<String> classes, LabeledImages data) {
  public LabeledFolder {
    classes = List.copyOf(classes);
  }

  /** Number of classes (0 for an unlabeled folder). */
  public int numClasses() {
    return classes.size();
  }

  /**
   * Reads {@code root}: the whole folder, or {@code limit} images evenly spaced in file order (so every class keeps
   * its share) when {@code 0 < limit < size}.
   *
   * @param channels what every image is converted to: 1 or 3 for JPEG/PNG, any count read from multi-band
   *     .tif/.tiff/.npy files
   * @param transform deterministic (e.g. {@code EvalTransform}); must give every image the same shape
   * @param requireLabels reject a folder without class sub-folders
   * @throws IllegalArgumentException when the folder is missing or holds no image, has no class sub-folders while
   *     labels are required, or an image cannot be decoded (its path and the reason are named)
   */
  public static LabeledFolder read(Path root, int channels, Transform transform, int limit, boolean requireLabels)
      throws IOException {
    ImageFolderDataset ds = ImageFolderDataset.open(root, channels);
    if (requireLabels && ds.classes().isEmpty()) {
      throw new IllegalArgumentException("image folder " + root + " has no class sub-folders holding images; "
          + "labelled data must be laid out as " + root.resolve("<class>/<image>.png"));
    }
    int[] indices = DatasetImages.evenlySpaced(ds.size(), limit);
    return new LabeledFolder(root, ds.classes(), DatasetImages.read(ds, indices, transform));
  }

  /**
   * As {@link #read}, but nothing is decoded now: the images are read batch by batch when used, so a folder of any
   * size fits in memory.
   *
   * @throws IllegalArgumentException when the folder is missing or holds no image, or has no class sub-folders while
   *     labels are required
   */
  public static StreamedImages stream(Path root, int channels, Transform transform, int limit,
      boolean requireLabels) throws IOException {
    return stream(root, channels, transform, limit, requireLabels, System.err::println);
  }

  /**
   * As {@link #stream(Path, int, Transform, int, boolean)}, telling each unreadable image skipped to {@code onSkip}.
   */
  public static StreamedImages stream(Path root, int channels, Transform transform, int limit,
      boolean requireLabels, java.util.function.Consumer<String> onSkip) throws IOException {
    ImageFolderDataset ds = ImageFolderDataset.open(root, channels);
    if (requireLabels && ds.classes().isEmpty()) {
      throw new IllegalArgumentException("image folder " + root + " has no class sub-folders holding images; "
          + "labelled data must be laid out as " + root.resolve("<class>/<image>.png"));
    }
    return new StreamedImages(ds, DatasetImages.evenlySpaced(ds.size(), limit), transform, onSkip);
  }

  /**
   * Checks that a validation folder has the training folder's classes, in the same order.
   *
   * @throws IllegalArgumentException naming both class lists otherwise
   */
  public static void requireSameClasses(List<String> train, Path trainRoot, List<String> val, Path valRoot) {
    if (!train.equals(val)) {
      throw new IllegalArgumentException("the training folder " + trainRoot + " has " + train.size()
          + " classes " + train + " but the validation folder " + valRoot + " has " + val.size() + " classes "
          + val + ": both need the same class sub-folders");
    }
  }
}

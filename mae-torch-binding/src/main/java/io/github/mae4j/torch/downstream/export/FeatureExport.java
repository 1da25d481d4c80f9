package io.github.mae4j.torch.downstream.export;

import io.github.mae4j.api.recipe.Recipe;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.downstream.DownstreamData;
import io.github.mae4j.torch.downstream.EncoderWeights;
import io.github.mae4j.torch.downstream.LabeledFolder;
import io.github.mae4j.torch.downstream.LabeledData;
import io.github.mae4j.torch.downstream.eval.FrozenEncoder;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.weights.ChannelAdaptation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Encoder features of a set of images written to a NumPy {@code .npy} file [N, D] (float32, file order), as
 * {@code mae features} does it; the labels [N] (int64; class sub-folders as torchvision's {@code ImageFolder}, -1
 * without) optionally to a second file.
 *
 * @param recipe gives the model of an official checkpoint, the statistics and the evaluation crop of folder images
 * @param encoder the encoder's checkpoint ({@link EncoderWeights#load}), or null for a random encoder
 * @param images a folder of images, tar shards or a file list (resized + centre-cropped), or null to use {@code split}
 * @param split the Fashion-MNIST split to use when {@code images} is null (its first {@code limit} images)
 * @param limit Fashion-MNIST images to use (0: all)
 * @param pooling mean of the patch tokens, or the cls token after the final norm
 * @param out the features file
 * @param labelsOut the labels file, or null
 * @param adaptChannels how to adapt an encoder of another channel count, or null to refuse it
 */
public record FeatureExport(Recipe recipe, @Nullable Path encoder, @Nullable Path images, FashionMnist.Split split,
    int limit, Pooling pooling, Path out, @Nullable Path labelsOut, @Nullable ChannelAdaptation adaptChannels) {

  /** Features of every image of a folder, mean-pooled. */
  public static FeatureExport ofFolder(Recipe recipe, @Nullable Path encoder, Path images, Path out) {
    return new FeatureExport(recipe, encoder, images, FashionMnist.Split.TRAIN, 0, Pooling.AVERAGE, out, null, null);
  }

  /** Features of Fashion-MNIST's first {@code limit} images of {@code split} (0: all), mean-pooled. */
  public static FeatureExport ofFashionMnist(Recipe recipe, @Nullable Path encoder, FashionMnist.Split split,
      int limit, Path out) {
    return new FeatureExport(recipe, encoder, null, split, limit, Pooling.AVERAGE, out, null, null);
  }

  /** The same with another pooling. */
  public FeatureExport withPooling(Pooling p) {
    return new FeatureExport(recipe, encoder, images, split, limit, p, out, labelsOut, adaptChannels);
  }

  /** The same, also writing the labels to {@code file}. */
  public FeatureExport withLabelsOut(@Nullable Path file) {
    return new FeatureExport(recipe, encoder, images, split, limit, pooling, out, file, adaptChannels);
  }

  /** The same, adapting an encoder of another channel count as {@code adaptation} says. */
  public FeatureExport withAdaptChannels(@Nullable ChannelAdaptation adaptation) {
    return new FeatureExport(recipe, encoder, images, split, limit, pooling, out, labelsOut, adaptation);
  }

  /**
   * What was written.
   *
   * @param features the features file
   * @param rows images (N)
   * @param dim feature size (D)
   * @param labels the labels file, when one was asked for
   */
  public record Result(Path features, long rows, long dim, Optional<Path> labels) {}

  /** Runs it without a log. */
  public Result run() throws IOException {
    return run(s -> {});
  }

  /** A folder, tar shards or file list, read batch by batch, in file (or shard) order. */
  private static LabeledData stream(String spec, int channels, io.github.mae4j.torch.data.Transform transform,
      Consumer<String> log) throws IOException {
    if (java.nio.file.Files.isDirectory(Path.of(spec))) {
      return LabeledFolder.stream(Path.of(spec), channels, transform, 0, false, log);
    }
    io.github.mae4j.torch.data.ImageDataset ds = io.github.mae4j.torch.data.ImageSources.open(spec, channels, log);
    return new io.github.mae4j.torch.downstream.StreamedImages(ds,
        io.github.mae4j.torch.downstream.DatasetImages.evenlySpaced(ds.size(), 0), transform, log);
  }

  /**
   * Reads the encoder and the images, computes the features, writes the files.
   *
   * @param log told what is loaded
   * @throws IllegalArgumentException for a missing checkpoint, an empty folder, an unreadable image (named), or
   *     Fashion-MNIST with a model that is not 28×28 gray
   * @throws IOException when a checkpoint or an image cannot be read, or a file cannot be written
   */
  public Result run(Consumer<String> log) throws IOException {
    EncoderWeights w = EncoderWeights.load(encoder, recipe.getModel(), adaptChannels);
    LabeledData set = images != null
        ? stream(images.toString(), w.model().getInChannels(), DownstreamData.evalTransform(recipe, w), log)
        : DownstreamData.fashionMnist(limit, limit).load(split, w, recipe, log);
    try (VitClassifier m = FrozenEncoder.open(w, 10, pooling, log)) {
      Tensor f = FrozenEncoder.features(m, set);
      Npy.writeFloats(out, f);
      if (labelsOut != null) {
        Npy.writeLongs(labelsOut, set.labels());
      }
      return new Result(out, f.size(0), f.size(1), Optional.ofNullable(labelsOut));
    }
  }
}

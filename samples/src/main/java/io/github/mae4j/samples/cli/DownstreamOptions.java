package io.github.mae4j.samples.cli;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.samples.proof.ProofData;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.eval.Evaluation;
import io.github.mae4j.torch.downstream.vit.EncoderLoadReport;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options shared by {@code mae knn|linprobe|finetune|features}: the encoder and the data. */
final class DownstreamOptions {
  @Option(names = "--checkpoint", paramLabel = "FILE",
      description = "A mae4j checkpoint (*.ckpt or run directory) or an official MAE .pth; "
          + "omit for a randomly initialized encoder (a baseline).")
  @Nullable Path checkpoint;

  @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N training images (0: all).")
  int trainLimit;

  @Option(names = "--test-limit", paramLabel = "N", description = "Use only the first N test images (0: all).")
  int testLimit;

  @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
  boolean json;

  static void log(String s) {
    System.err.println(s);
  }

  /** Fashion-MNIST (the only labelled data set these verbs read so far), checked against the model. */
  LabeledImages data(FashionMnist.Split split, MaeConfig model) throws IOException {
    if (model.getImageSize() != 28 || model.getInChannels() != 1) {
      throw new IllegalArgumentException("Fashion-MNIST is 28×28 with 1 channel, the model expects "
          + model.getImageSize() + "×" + model.getImageSize() + " with " + model.getInChannels() + " channel(s)");
    }
    return ProofData.load(split, split == FashionMnist.Split.TRAIN ? trainLimit : testLimit);
  }

  /** A frozen feature extractor (average pooling + fresh fc_norm) holding the encoder weights. */
  static VitClassifier frozenEncoder(EncoderWeights w, int numClasses, Pooling pooling) {
    VitClassifier m = new VitClassifier(w.model(), numClasses, pooling, 0.0, 0);
    if (w.weights() != null) {
      EncoderLoadReport r = m.loadEncoder(w.weights());
      log("loaded " + r.loaded().size() + " encoder tensors from " + w.description()
          + (r.posEmbedResized() ? " (pos_embed interpolated)" : ""));
    } else {
      log("encoder: " + w.description());
    }
    return m;
  }

  /** images → features [N, D] in batches of 256. */
  static Tensor features(VitClassifier m, LabeledImages data) {
    return Evaluation.features(m, data.images(), 256);
  }
}

package io.github.mae4j.torch.train;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

/**
 * What the {@link Trainer} needs of a model: a loss from a batch, its parameters split by weight decay, and its
 * named tensors for checkpoints. {@link MaeModels} adapts the masked autoencoder; tests may use any small model.
 */
public interface PretrainModel extends AutoCloseable {

  /**
   * The training loss of one batch (a scalar mean, so that accumulation divides it by the number of steps).
   *
   * <p>{@code images [N, C, H, W] → loss []}; the masking noise is drawn from {@code maskNoise}.
   */
  Tensor loss(Tensor images, Generator maskNoise);

  /**
   * The training loss of one batch under a given masking key, one row per image (what a distributed run uses, so
   * that an image's mask depends on the image and not on the process that draws it).
   *
   * <p>{@code images [N, C, H, W], noise [N, L] → loss []}
   *
   * @throws UnsupportedOperationException when the model does not mask (the default)
   */
  default Tensor lossWithNoise(Tensor images, Tensor noise) {
    throw new UnsupportedOperationException(getClass().getName() + " takes no explicit masking noise");
  }

  /**
   * The masking key of {@code n} images drawn from {@code generator}: → noise [n, L].
   *
   * @throws UnsupportedOperationException when the model does not mask (the default)
   */
  default Tensor sampleNoise(long n, Generator generator) {
    throw new UnsupportedOperationException(getClass().getName() + " takes no explicit masking noise");
  }

  /**
   * Whether a batch may be split across the CPU's cores ({@link CoreShards}): true when {@link #lossWithNoise} and
   * {@link #sampleNoise} are implemented, the loss of a batch equals the image-count-weighted mean of its parts'
   * losses under the same noise rows, and the forward pass may run on several threads at once. False by default.
   */
  default boolean splitsAcrossCores() {
    return false;
  }

  /** Trainable parameters that take weight decay (weights of linear and convolution layers). */
  List<Tensor> decayParameters();

  /** Trainable parameters without weight decay (biases, norms, tokens, as the model says). */
  List<Tensor> noDecayParameters();

  /**
   * Every tensor that makes up the model's state (parameters and persistent buffers), by its checkpoint name,
   * as live references: a checkpoint copies them out, a resume copies values into them.
   */
  Map<String, Tensor> namedTensors();

  /** Switches training mode on or off. */
  void train(boolean on);

  /** Releases the model (idempotent). */
  @Override
  void close();
}

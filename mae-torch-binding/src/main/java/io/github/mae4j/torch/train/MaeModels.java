package io.github.mae4j.torch.train;

import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.NamedParameter;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

/** Adapts a {@link MaskedAutoencoder} to what the {@link Trainer} needs. */
public final class MaeModels {
  private MaeModels() {}

  /**
   * The trainer's view of {@code mae}: its pretraining loss, its decay/no-decay parameter groups and its state
   * dict. Closing the view closes the model.
   */
  public static PretrainModel pretrainable(MaskedAutoencoder mae) {
    List<Tensor> decay = mae.parameterGroups().decay().stream().map(NamedParameter::tensor).toList();
    List<Tensor> noDecay = mae.parameterGroups().noDecay().stream().map(NamedParameter::tensor).toList();
    return new PretrainModel() {
      @Override
      public Tensor loss(Tensor images, Generator maskNoise) {
        return mae.forward(images, maskNoise).loss();
      }

      @Override
      public List<Tensor> decayParameters() {
        return decay;
      }

      @Override
      public List<Tensor> noDecayParameters() {
        return noDecay;
      }

      @Override
      public Map<String, Tensor> namedTensors() {
        return mae.stateDict();
      }

      @Override
      public void train(boolean on) {
        mae.train(on);
      }

      @Override
      public void close() {
        mae.close();
      }
    };
  }
}

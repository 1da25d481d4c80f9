package io.github.mae4j.torch.train;

import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.NamedParameter;
import io.github.mae4j.torch.nn.ParameterGroups;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
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
    List<Tensor> decay = new ArrayList<>();
    List<Tensor> noDecay = new ArrayList<>();
    // The NamedParameter tensors point into a temporary dict of the module's parameters, freed with it: take
    // our own handles (sharing the parameters' storage and autograd identity) before the scope frees the dict.
    try (PointerScope ignored = new PointerScope()) {
      ParameterGroups groups = mae.parameterGroups();
      for (NamedParameter p : groups.decay()) {
        decay.add(ownHandle(p.tensor()));
      }
      for (NamedParameter p : groups.noDecay()) {
        noDecay.add(ownHandle(p.tensor()));
      }
    }
    return new PretrainModel() {
      @Override
      public Tensor loss(Tensor images, Generator maskNoise) {
        return mae.forward(images, maskNoise).loss();
      }

      @Override
      public Tensor lossWithNoise(Tensor images, Tensor noise) {
        return mae.forward(images, noise).loss();
      }

      @Override
      public Tensor sampleNoise(long n, Generator generator) {
        return mae.sampleNoise(n, generator);
      }

      @Override
      public boolean splitsAcrossCores() {
        // every image keeps the same number of visible patches, so the loss (a mean over masked patches) is the
        // mean of the images' losses; the forward holds no per-call Java state and draws no random numbers
        return true;
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
        decay.forEach(Tensor::releaseReference);
        noDecay.forEach(Tensor::releaseReference);
        decay.clear();
        noDecay.clear();
        mae.close();
      }
    };
  }

  private static Tensor ownHandle(Tensor parameter) {
    Tensor t = new Tensor(parameter);
    t.retainReference();
    return t;
  }
}

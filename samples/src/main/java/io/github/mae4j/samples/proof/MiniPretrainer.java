package io.github.mae4j.samples.proof;

import io.github.mae4j.api.schedule.LrSchedule;
import io.github.mae4j.torch.downstream.optim.GroupedAdamW;
import io.github.mae4j.torch.downstream.optim.ParamGroup;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.NamedParameter;
import io.github.mae4j.torch.nn.ParameterGroups;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The smallest MAE pretraining loop the proof needs (the trainer module's Trainer does this with checkpoints and
 * resume): AdamW (β 0.9/0.95, weight decay as {@link MaskedAutoencoder#parameterGroups} splits it), warmup +
 * cosine per iteration, one PointerScope per step, masks from one seeded generator.
 */
public final class MiniPretrainer {
  /** One epoch's mean reconstruction loss and wall time. */
  public record Epoch(int epoch, double loss, double seconds) {}

  private MiniPretrainer() {}

  /** Pretrains {@code mae} in place on images [N, C, H, W]; returns the per-epoch losses. */
  public static List<Epoch> run(MaskedAutoencoder mae, Tensor images, int epochs, int batch, double lr,
      double warmupEpochs, double weightDecay, long seed, Consumer<Epoch> progress) {
    ParameterGroups split = mae.parameterGroups();
    List<ParamGroup> groups = List.of(group("decay", split.decay(), weightDecay),
        group("no_decay", split.noDecay(), 0.0));
    long n = images.size(0);
    long steps = n / batch;
    LrSchedule schedule = new LrSchedule(lr, 0.0, warmupEpochs, epochs);
    Generator g = torch.createCPUGenerator(seed);
    List<Epoch> out = new ArrayList<>();
    mae.train(true);
    try (GroupedAdamW opt = new GroupedAdamW(groups, 0.9, 0.95)) {
      for (int e = 0; e < epochs; e++) {
        long t0 = System.nanoTime();
        double sum = 0;
        Tensor perm = torch.randperm(n, new GeneratorOptional(g), new TensorOptions(torch.ScalarType.Long));
        for (long s = 0; s < steps; s++) {
          try (PointerScope scope = new PointerScope()) {
            opt.setLearningRate(schedule.at(e + (double) s / steps));
            Tensor x = images.index_select(0, perm.narrow(0, s * batch, batch));
            Tensor loss = mae.forward(x, g).loss();
            opt.zeroGrad();
            loss.backward();
            opt.step();
            sum += loss.item_float();
          }
        }
        perm.close();
        Epoch ep = new Epoch(e + 1, sum / steps, (System.nanoTime() - t0) / 1e9);
        out.add(ep);
        progress.accept(ep);
      }
    }
    return out;
  }

  private static ParamGroup group(String name, List<NamedParameter> params, double weightDecay) {
    return new ParamGroup(name, params.stream().map(NamedParameter::name).toList(),
        params.stream().map(NamedParameter::tensor).toList(), weightDecay, 1.0);
  }
}

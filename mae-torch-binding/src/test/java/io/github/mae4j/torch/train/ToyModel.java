package io.github.mae4j.torch.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A tiny masked linear autoencoder for trainer tests: {@code x [N, D]}, keep each value with probability ½ (noise
 * from the masking generator), predict {@code x} from the kept values with {@code W x + b}, mean squared error.
 */
final class ToyModel implements PretrainModel {
  final int dim;
  final boolean masked;
  final Tensor weight;
  final Tensor bias;

  ToyModel(int dim, long seed) {
    this(dim, seed, true);
  }

  /** {@code masked = false}: every value is kept and no noise is drawn. */
  ToyModel(int dim, long seed, boolean masked) {
    this.dim = dim;
    this.masked = masked;
    try (Generator g = torch.createCPUGenerator(seed)) {
      weight = torch.randn(new long[] {dim, dim}, new GeneratorOptional(g)).mul_(new Scalar(0.1));
    }
    weight.requires_grad_(true);
    bias = torch.zeros(dim).requires_grad_(true);
  }

  @Override
  public Tensor loss(Tensor images, Generator maskNoise) {
    Tensor x = images.reshape(images.size(0), -1);
    if (!masked) {
      return x.matmul(weight).add(bias).sub(x).pow(new Scalar(2)).mean();
    }
    Tensor keep = torch.rand(new long[] {x.size(0), x.size(1)}, new GeneratorOptional(maskNoise))
        .lt(new Scalar(0.5)).to(torch.ScalarType.Float);
    Tensor pred = x.mul(keep).matmul(weight).add(bias);
    return pred.sub(x).pow(new Scalar(2)).mean();
  }

  @Override
  public List<Tensor> decayParameters() {
    return List.of(weight);
  }

  @Override
  public List<Tensor> noDecayParameters() {
    return List.of(bias);
  }

  @Override
  public Map<String, Tensor> namedTensors() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("weight", weight);
    m.put("bias", bias);
    return m;
  }

  @Override
  public void train(boolean on) {}

  float[] weights() {
    Tensor w = weight.detach().contiguous();
    float[] out = new float[(int) w.numel()];
    new org.bytedeco.javacpp.FloatPointer(w.data_ptr()).capacity(out.length).get(out);
    return out;
  }

  @Override
  public void close() {
    weight.close();
    bias.close();
  }
}

package io.github.mae4j.torch.nn;

import java.util.function.Consumer;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The reference's {@code initialize_weights} for every ViT of this library, deterministic from a generator (all
 * draws from one CPU generator, in parameter order):
 *
 * <ul>
 *   <li>{@code pos_embed}, {@code decoder_pos_embed}: the fixed 2D sin-cos tables ({@link SinCosPosEmbed});
 *   <li>{@code patch_embed.proj.weight}: Xavier-uniform on its [D, C·p·p] view; its bias keeps PyTorch's default
 *       Conv2d init, uniform(±1/√(C·p·p)), in the MAE exactly as the reference (whose {@code _init_weights} skips
 *       convs), and is 0 in the classifier;
 *   <li>every Linear weight: Xavier-uniform, bound √(6 / (fan_in + fan_out)); Linear biases 0;
 *   <li>LayerNorm weights 1, biases 0;
 *   <li>{@code cls_token}, {@code mask_token} (and {@code encoder_mask_token}): normal(0, 0.02);
 *   <li>the classifier's {@code head.weight}: normal(0, 2e-5²) as the reference fine-tuning's
 *       {@code trunc_normal_(std=2e-5)} (the truncation at ±2 never binds at that std).
 * </ul>
 */
public final class Initialization {
  /** Standard deviation of the classifier head's weights. */
  private static final double HEAD_STD = 2e-5;

  private Initialization() {}

  /** The masked autoencoder's initialization, from a fresh generator seeded with {@code seed}. */
  static void initialize(MaeModule m, long seed) {
    Generator generator = torch.createCPUGenerator(seed);
    GeneratorOptional g = new GeneratorOptional(generator);
    double bound = 1 / Math.sqrt((double) m.config.getPatchDim());
    initialize(m, g, m.config.getGridHeight(), m.config.getGridWidth(), t -> t.uniform_(-bound, bound, g));
  }

  /**
   * A ViT classifier's initialization (parameters {@code cls_token}, {@code pos_embed}, {@code patch_embed.*},
   * {@code blocks.*}, a final norm and {@code head}), drawing from {@code generator}.
   *
   * @param gridSize patches per side of the {@code pos_embed} table
   */
  public static void initializeClassifier(Module classifier, Generator generator, int gridSize) {
    initializeClassifier(classifier, generator, gridSize, gridSize);
  }

  /**
   * As {@link #initializeClassifier(Module, Generator, int)} for a {@code gridHeight × gridWidth} grid (the
   * sin-cos table of non-square images, as the MAE model's).
   */
  public static void initializeClassifier(Module classifier, Generator generator, int gridHeight, int gridWidth) {
    initialize(classifier, new GeneratorOptional(generator), gridHeight, gridWidth, Tensor::zero_);
  }

  private static void initialize(Module m, GeneratorOptional g, int gridH, int gridW, Consumer<Tensor> patchBias) {
    try (NoGradGuard guard = new NoGradGuard()) {
      StringTensorDict params = m.named_parameters(true);
      for (int i = 0; i < params.size(); i++) {
        String name = params.get(i).key().getString();
        Tensor t = params.get(i).value();
        switch (name) {
          case "pos_embed", "decoder_pos_embed" -> t.copy_(SinCosPosEmbed.tensor((int) t.size(2), gridH, gridW));
          case "cls_token", "mask_token", "encoder_mask_token" -> t.normal_(0, 0.02, g);
          case "patch_embed.proj.weight" -> xavierUniform(t.view(t.size(0), -1), g);
          case "patch_embed.proj.bias" -> patchBias.accept(t);
          case "head.weight" -> t.normal_(0, HEAD_STD, g);
          default -> {
            if (name.endsWith(".bias")) {
              t.zero_();
            } else if (t.dim() == 2) {
              xavierUniform(t, g);
            } else if (t.dim() == 1) {
              t.fill_(new Scalar(1.0));
            } else {
              throw new IllegalStateException("no initialization rule for " + name);
            }
          }
        }
      }
    }
  }

  /** weight [fan_out, fan_in] ← uniform(±√(6 / (fan_in + fan_out))). */
  static void xavierUniform(Tensor weight, GeneratorOptional g) {
    double bound = Math.sqrt(6.0 / (weight.size(0) + weight.size(1)));
    weight.uniform_(-bound, bound, g);
  }
}

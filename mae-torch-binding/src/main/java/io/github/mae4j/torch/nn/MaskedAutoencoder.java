package io.github.mae4j.torch.nn;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.ReconstructionTarget;
import io.github.mae4j.torch.MaeDevice;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.io.LoadReport;
import io.github.mae4j.torch.io.StateDict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A trainable masked autoencoder (He et al. 2021) bound to libtorch, computing the same function as the reference
 * {@code models_mae.py}: parameter names, initialization, masking, position embeddings and loss follow it. The
 * paper's steps read top to bottom below ({@code patchify}, {@code unpatchify}, {@code randomMasking},
 * {@code forwardEncoder}, {@code forwardDecoder}, {@code forwardLoss}, {@code forward}); the layers live in
 * {@code MaeModule}, the block/grid mask samplers in {@link Masking}.
 *
 * <p>Build it outside any {@code PointerScope} (the scope would free its native memory); run each training step
 * inside one. Closing twice is harmless; use after close throws {@link IllegalStateException}.
 */
public final class MaskedAutoencoder implements AutoCloseable {
  /** Added to the per-patch variance before the square root when normalizing targets (as the reference). */
  public static final double NORM_PIX_EPS = 1e-6;

  private final MaeConfig config;
  private final MaeDevice device;
  final MaeModule module;
  private volatile boolean closed;

  private MaskedAutoencoder(MaeConfig config, MaeDevice device, MaeModule module) {
    this.config = config;
    this.device = device;
    this.module = module;
  }

  /** A model initialized as the reference does, deterministically from {@code seed}, on {@code device}. */
  public static MaskedAutoencoder create(MaeConfig config, MaeDevice device, long seed) {
    Torch.load();
    MaeModule m = new MaeModule(config);
    Initialization.initialize(m, seed);
    if (device.isCuda()) {
      m.to(device.toTorch(), false);
    }
    return new MaskedAutoencoder(config, device, m);
  }

  /** A model on the CPU. */
  public static MaskedAutoencoder create(MaeConfig config, long seed) {
    return create(config, MaeDevice.cpu(), seed);
  }

  public MaeConfig config() {
    return config;
  }

  public MaeDevice device() {
    return device;
  }

  // ---- the paper, step by step (models_mae.py's names) ------------------------------------------------------

  /** images [N, C, H, W] → patches [N, L, p²·C] (reference layout {@code 'nchpwq->nhwpqc'}). */
  public Tensor patchify(Tensor images) {
    return patchify(images, config.getPatchSize());
  }

  /** patches [N, L, p²·C] → images [N, C, H, W] on the config's grid (square or not). */
  public Tensor unpatchify(Tensor patches) {
    return unpatchify(patches, config.getPatchSize(), config.getInChannels(), config.getGridHeight(),
        config.getGridWidth());
  }

  /**
   * images [N, C, H, W] → patches [N, (H/p)·(W/p), p²·C]: patch {@code k = i·w + j} holds its pixels row by row,
   * each pixel's channels last.
   *
   * @throws IllegalArgumentException when the images are not 4-D or H, W are not multiples of p
   */
  static Tensor patchify(Tensor images, int p) {
    if (images.dim() != 4) {
      throw new IllegalArgumentException(
          "images must be [N, C, H, W] (rank 4), got rank " + images.dim() + " " + Shapes.of(images));
    }
    long n = images.size(0);
    long c = images.size(1);
    if (images.size(2) % p != 0 || images.size(3) % p != 0) {
      throw new IllegalArgumentException("image height and width must be multiples of the patch size " + p
          + ", got " + images.size(2) + "x" + images.size(3));
    }
    long h = images.size(2) / p;
    long w = images.size(3) / p;
    return images.reshape(n, c, h, p, w, p).permute(0, 2, 4, 3, 5, 1).reshape(n, h * w, (long) p * p * c);
  }

  /** patches [N, g², p²·C] → images [N, C, g·p, g·p] for a square grid. */
  static Tensor unpatchify(Tensor patches, int p, int channels) {
    int g = patches.dim() == 3 ? (int) Math.round(Math.sqrt(patches.size(1))) : -1;
    if (g < 1 || (long) g * g != patches.size(1)) {
      throw new IllegalArgumentException(
          "patches must be [N, g², p²·C] with a square patch count, got " + Shapes.of(patches));
    }
    return unpatchify(patches, p, channels, g, g);
  }

  /**
   * patches [N, h·w, p²·C] → images [N, C, h·p, w·p].
   *
   * @throws IllegalArgumentException when the last dimension is not p²·C or the patch count is not h·w
   */
  static Tensor unpatchify(Tensor patches, int p, int channels, int h, int w) {
    long p2c = (long) p * p * channels;
    if (patches.dim() != 3 || patches.size(1) != (long) h * w || patches.size(2) != p2c) {
      throw new IllegalArgumentException("patches must be [N, " + ((long) h * w) + ", " + p2c + "] for a " + h + "x"
          + w + " grid of " + p + "-px patches with " + channels + " channel(s), got " + Shapes.of(patches));
    }
    return patches.reshape(patches.size(0), h, w, p, p, channels).permute(0, 5, 1, 3, 2, 4)
        .reshape(patches.size(0), channels, (long) h * p, (long) w * p);
  }

  /**
   * Per-sample random masking by argsort of a noise: noise [N, L] → the masking that keeps the {@code numVisible}
   * lowest-noise patches of each sample ({@code ids_shuffle = argsort(noise)}, {@code ids_restore =
   * argsort(ids_shuffle)}); mask [N, L] float32, 0 kept, 1 removed, on the noise's device. Every mask sampling
   * ({@link Masking}) is expressed as such a noise.
   */
  static Masking.Indices randomMasking(Tensor noise, int numVisible) {
    Tensor idsShuffle = torch.argsort(noise, 1, false);
    Tensor idsRestore = torch.argsort(idsShuffle, 1, false);
    Tensor idsKeep = idsShuffle.narrow(1, 0, numVisible);
    Tensor mask = torch.ones_like(noise).to(ScalarType.Float);
    mask.narrow(1, 0, numVisible).zero_();
    mask = torch.gather(mask, 1, idsRestore);
    return new Masking.Indices(idsShuffle, idsRestore, idsKeep, mask);
  }

  /**
   * The encoder on the visible patches plus cls: images [N, C, H, W] → latent [N, 1 + keep, D]. In the
   * encoder-takes-mask-tokens ablation all L patches go in, removed ones replaced by {@code encoder_mask_token}:
   * → [N, 1 + L, D].
   */
  Tensor forwardEncoder(Tensor images, Masking.Indices idx) {
    Tensor x = module.patchEmbed.forward(images);                        // [N, L, D]
    long n = x.size(0);
    long l = x.size(1);
    long d = x.size(2);
    Tensor pos = module.posEmbed.narrow(1, 1, l);                        // [1, L, D] (cls slot excluded)
    if (config.isEncoderTakesMaskTokens()) {
      Tensor removed = idx.mask().unsqueeze(-1).to(ScalarType.Bool);
      x = torch.where(removed, module.encoderMaskToken.to(x.scalar_type()), x).add(pos);
    } else {
      x = x.add(pos);
      long keep = idx.idsKeep().size(1);
      x = torch.gather(x, 1, idx.idsKeep().unsqueeze(-1).expand(n, keep, d));  // [N, keep, D]
    }
    return encodeWithCls(x, module.posEmbed.narrow(1, 0, 1));
  }

  /** tokens [N, T, D] (positions already added) → [N, 1 + T, D]: cls prepended, blocks, final norm. */
  Tensor encodeWithCls(Tensor x, Tensor clsPos) {
    Tensor cls = module.clsToken.add(clsPos).expand(x.size(0), -1, -1);
    Tensor h = torch.cat(new TensorVector(cls, x), 1);
    for (Block b : module.blocks) {
      h = b.forward(h);
    }
    return module.norm.forward(h);
  }

  /**
   * The decoder: latent [N, 1 + keep, D] → pred [N, L, p²·C]. Mask tokens are appended and the sequence put back in
   * patch order with {@code ids_restore} (skipped in the ablation, where the latent already holds all L tokens).
   */
  Tensor forwardDecoder(Tensor latent, Tensor idsRestore) {
    Tensor x = module.decoderEmbed.forward(latent);                      // [N, 1 + keep, D']
    long n = x.size(0);
    long l = config.getNumPatches();
    long dd = x.size(2);
    if (!config.isEncoderTakesMaskTokens()) {
      long visible = x.size(1) - 1;
      Tensor tokens = module.maskToken.to(x.scalar_type()).expand(n, l - visible, dd);
      Tensor rest = torch.cat(new TensorVector(x.narrow(1, 1, visible), tokens), 1);        // [N, L, D'] shuffled
      rest = torch.gather(rest, 1, idsRestore.unsqueeze(-1).expand(n, l, dd));             // [N, L, D'] in order
      x = torch.cat(new TensorVector(x.narrow(1, 0, 1), rest), 1);                         // [N, 1 + L, D']
    }
    x = x.add(module.decoderPosEmbed);
    for (Block b : module.decoderBlocks) {
      x = b.forward(x);
    }
    x = module.decoderPred.forward(module.decoderNorm.forward(x));       // [N, 1 + L, p²·C]
    return x.narrow(1, 1, l);
  }

  /**
   * target patches [N, L, P] → each patch normalized by its own mean and unbiased variance:
   * {@code (t − mean) / sqrt(var + 1e-6)} (the normPixLoss target).
   */
  static Tensor normalizePatches(Tensor target) {
    Tensor mean = target.mean(new long[] {-1}, true, new ScalarTypeOptional());
    Tensor var = target.var(new long[] {-1}, true, true);
    return target.sub(mean).div(var.add(new Scalar(NORM_PIX_EPS)).sqrt());
  }

  /**
   * The loss: images [N, C, H, W], pred [N, L, P], mask [N, L] (1 = removed) → scalar
   * {@code Σ(mean_P((pred − target)²) · mask) / Σ mask}, the target as the config's {@link ReconstructionTarget}.
   */
  Tensor forwardLoss(Tensor images, Tensor pred, Tensor mask) {
    Tensor target = switch (config.getTarget()) {
      case ReconstructionTarget.Pixels p -> patchify(images);
      case ReconstructionTarget.NormalizedPixels n -> normalizePatches(patchify(images));
    };
    Tensor perPatch = pred.sub(target).square().mean(new long[] {-1}, false, new ScalarTypeOptional());  // [N, L]
    return perPatch.mul(mask).sum().div(mask.sum());
  }

  /**
   * The training forward pass with an explicit masking noise: images [N, C, H, W] float32, noise [N, L] →
   * loss, pred [N, L, p²·C], mask [N, L], idsRestore [N, L]. The {@code ⌊L·(1−r)⌋} lowest-noise patches stay
   * visible.
   *
   * @throws IllegalArgumentException on wrong shape, channels, size, dtype or device
   * @throws NonFiniteLossException when the loss is NaN or infinite
   */
  public MaeOutput forward(Tensor images, Tensor noise) {
    ensureOpen();
    InputChecks.images(images, config, true, device.isCuda());
    InputChecks.noise(noise, images.size(0), config, device.isCuda());
    Masking.Indices idx = randomMasking(noise, config.getNumVisible());
    Tensor latent = forwardEncoder(images, idx);
    Tensor pred = forwardDecoder(latent, idx.idsRestore());
    Tensor loss = forwardLoss(images, pred, idx.mask());
    FiniteCheck.requireFinite(loss, images, module);
    return new MaeOutput(loss, pred, idx.mask(), idx.idsRestore());
  }

  // ---- around the paper: sampled masks, features, reconstructions, state ------------------------------------

  /** The forward pass with masks drawn from {@code generator} (a CPU generator) by the config's mask sampling. */
  public MaeOutput forward(Tensor images, Generator generator) {
    ensureOpen();
    InputChecks.images(images, config, true, device.isCuda());
    return forward(images, sampleNoise(images.size(0), generator));
  }

  /** The forward pass with masks from a fresh generator seeded with {@code seed}: same seed, same masks. */
  public MaeOutput forward(Tensor images, long seed) {
    return forward(images, torch.createCPUGenerator(seed));
  }

  /** The masking key the config's sampling draws for {@code n} images: → noise [n, L] on the model's device. */
  public Tensor sampleNoise(long n, Generator generator) {
    ensureOpen();
    Tensor noise = Masking.sampleNoise(config, n, generator);
    return device.isCuda() ? noise.to(device.toTorch(), noise.scalar_type()) : noise;
  }

  /**
   * Encoder features without masking or randomness: images [N, C, H', W'] → cls [N, D], meanPatch [N, D],
   * tokens [N, 1 + L', D]. H' and W' may differ from the training size (multiples of p): the position embedding
   * grid is then resized by bicubic interpolation (align_corners=false), as the reference's
   * {@code interpolate_pos_embed} does for checkpoints. Gradients are recorded unless the caller disables them.
   */
  public Features features(Tensor images) {
    ensureOpen();
    InputChecks.images(images, config, false, device.isCuda());
    return FeatureExtraction.features(this, images);
  }

  /**
   * Reconstructs masked images without recording gradients: images [N, C, H, W], noise [N, L] → predicted and
   * pasted images [N, C, H, W] and the mask. With normPixLoss the predictions are mapped back to pixels with the
   * visible patches' statistics only ({@link Reconstruction.PatchStatistics#VISIBLE}).
   */
  public Reconstruction reconstruct(Tensor images, Tensor noise) {
    ensureOpen();
    try (org.bytedeco.pytorch.NoGradGuard guard = new org.bytedeco.pytorch.NoGradGuard()) {
      return Reconstruction.of(this, images, forward(images, noise), Reconstruction.PatchStatistics.VISIBLE);
    }
  }

  /**
   * The reconstruction of {@code images} from a forward pass already made on them ({@code out} of
   * {@link #forward}), with visible-patch statistics, for callers that also need the raw predictions.
   */
  public Reconstruction reconstruct(Tensor images, MaeOutput out) {
    return reconstruct(images, out, Reconstruction.PatchStatistics.VISIBLE);
  }

  /** As {@link #reconstruct(Tensor, MaeOutput)}, with normalized pixels mapped back by {@code stats}. */
  public Reconstruction reconstruct(Tensor images, MaeOutput out, Reconstruction.PatchStatistics stats) {
    ensureOpen();
    try (org.bytedeco.pytorch.NoGradGuard guard = new org.bytedeco.pytorch.NoGradGuard()) {
      return Reconstruction.of(this, images, out, stats);
    }
  }

  /** The libtorch module, e.g. for {@code parameters()} or serialization archives. */
  public Module module() {
    ensureOpen();
    return module;
  }

  /** Switches training mode (no dropout in MAE: kept for API symmetry and submodules' flags). */
  public void train(boolean on) {
    ensureOpen();
    module.train(on);
  }

  /** Every parameter by reference name, in registration order (frozen position embeddings included). */
  public Map<String, Tensor> stateDict() {
    ensureOpen();
    return StateDict.of(module);
  }

  /**
   * Copies tensors into the parameters by name. Strict: any missing, unexpected or mis-shaped name throws an
   * {@link IllegalArgumentException} listing them and nothing is loaded; otherwise the matching ones are loaded.
   */
  public LoadReport loadStateDict(Map<String, Tensor> stateDict, boolean strict) {
    ensureOpen();
    return StateDict.load(module, stateDict, strict);
  }

  /** The trainable parameters split into weight-decay and no-weight-decay groups, with their layer ids. */
  public ParameterGroups parameterGroups() {
    ensureOpen();
    List<NamedParameter> decay = new ArrayList<>();
    List<NamedParameter> noDecay = new ArrayList<>();
    StringTensorDict params = module.named_parameters(true);
    for (int i = 0; i < params.size(); i++) {
      String name = params.get(i).key().getString();
      Tensor item = params.get(i).value();
      if (!item.requires_grad()) {
        continue;
      }
      // value() points into the dictionary, which is freed with it: keep an own handle (shares the storage)
      Tensor t = new Tensor(item);
      NamedParameter p = new NamedParameter(name, t, layerId(name));
      (VitParameterRules.noWeightDecay(name, t) ? noDecay : decay).add(p);
    }
    return new ParameterGroups(decay, noDecay);
  }

  /**
   * The layer of a parameter for layer-wise lr decay (the reference's {@code get_layer_id_for_vit}): 0 for
   * {@code patch_embed.*}, {@code cls_token}, {@code pos_embed} (and {@code encoder_mask_token}); i+1 for
   * {@code blocks.i.*}; {@link #numLayers()} for everything else (final norm and the whole decoder). The scale of
   * layer id k is {@code decay^(numLayers − k)}. The rule is {@link VitParameterRules#layerId}, shared with the
   * classifier.
   */
  public int layerId(String parameterName) {
    return VitParameterRules.layerId(parameterName, config.getEncoder().getDepth());
  }

  /** The reference's {@code num_layers}: encoder depth + 1; layer ids run from 0 to this value. */
  public int numLayers() {
    return config.getEncoder().getDepth() + 1;
  }

  /** Number of trainable parameter values. */
  public long parameterCount() {
    ensureOpen();
    ParameterGroups groups = parameterGroups();
    long total = 0;
    for (List<NamedParameter> list : List.of(groups.decay(), groups.noDecay())) {
      for (NamedParameter p : list) {
        total += p.tensor().numel();
      }
    }
    return total;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("MaskedAutoencoder is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    module.close();
  }
}

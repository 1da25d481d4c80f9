package io.github.mae4j.torch.nn;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.MaeDevice;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.io.LoadReport;
import io.github.mae4j.torch.io.StateDict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A trainable masked autoencoder (He et al. 2021) bound to libtorch, computing the same function as the reference
 * {@code models_mae.py}: parameter names, initialization, masking, position embeddings and loss follow it.
 *
 * <p>Build it outside any {@code PointerScope} (the scope would free its native memory); run each training step
 * inside one. Closing twice is harmless; use after close throws {@link IllegalStateException}.
 */
public final class MaskedAutoencoder implements AutoCloseable {
  private static final Set<String> NO_DECAY_TOKENS = Set.of("cls_token", "mask_token", "encoder_mask_token");

  private final MaeConfig config;
  private final MaeDevice device;
  private final MaeModule module;
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

  /**
   * The training forward pass with an explicit masking noise: images [N, C, H, W] float32, noise [N, L] →
   * loss, pred [N, L, p²·C], mask [N, L], idsRestore [N, L]. {@code ids_shuffle = argsort(noise, dim=1)}; the
   * {@code ⌊L·(1−r)⌋} lowest-noise patches stay visible.
   *
   * @throws IllegalArgumentException on wrong shape, channels, size, dtype or device
   * @throws NonFiniteLossException when the loss is NaN or infinite
   */
  public MaeOutput forward(Tensor images, Tensor noise) {
    ensureOpen();
    InputChecks.images(images, config, true, device.isCuda());
    InputChecks.noise(noise, images.size(0), config, device.isCuda());
    Masking.Indices idx = Masking.fromNoise(noise, config.getNumVisible());
    Tensor latent = module.forwardEncoder(images, idx);
    Tensor pred = module.forwardDecoder(latent, idx.idsRestore());
    Tensor loss = MaeLoss.forwardLoss(patchify(images), pred, idx.mask(), config.isNormPixLoss());
    FiniteCheck.requireFinite(loss, images, module);
    return new MaeOutput(loss, pred, idx.mask(), idx.idsRestore());
  }

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

  /** images [N, C, H, W] → patches [N, L, p²·C] (reference layout). */
  public Tensor patchify(Tensor images) {
    return Patches.patchify(images, config.getPatchSize());
  }

  /** patches [N, L, p²·C] → images [N, C, H, W] (square grid). */
  public Tensor unpatchify(Tensor patches) {
    return Patches.unpatchify(patches, config.getPatchSize(), config.getInChannels());
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
    return FeatureExtraction.features(module, images);
  }

  /**
   * Reconstructs masked images without recording gradients: images [N, C, H, W], noise [N, L] → predicted and
   * pasted images [N, C, H, W] and the mask. With normPixLoss the predictions are mapped back to pixels with the
   * visible patches' statistics only ({@link Reconstruction.PixelScale#VISIBLE_IMAGE_STATS}).
   */
  public Reconstruction reconstruct(Tensor images, Tensor noise) {
    ensureOpen();
    try (org.bytedeco.pytorch.NoGradGuard guard = new org.bytedeco.pytorch.NoGradGuard()) {
      MaeOutput out = forward(images, noise);
      return FeatureExtraction.reconstruct(this, images, out);
    }
  }

  /**
   * The reconstruction of {@code images} from a forward pass already made on them ({@code out} of
   * {@link #forward}), for callers that also need the raw predictions without running the model twice.
   */
  public Reconstruction reconstruct(Tensor images, MaeOutput out) {
    ensureOpen();
    try (org.bytedeco.pytorch.NoGradGuard guard = new org.bytedeco.pytorch.NoGradGuard()) {
      return FeatureExtraction.reconstruct(this, images, out);
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
      boolean exempt = t.dim() == 1 || name.endsWith(".bias") || NO_DECAY_TOKENS.contains(name);
      (exempt ? noDecay : decay).add(p);
    }
    return new ParameterGroups(decay, noDecay);
  }

  /**
   * The layer of a parameter for layer-wise lr decay (the reference's {@code get_layer_id_for_vit}): 0 for
   * {@code patch_embed.*}, {@code cls_token}, {@code pos_embed} (and {@code encoder_mask_token}); i+1 for
   * {@code blocks.i.*}; {@link #numLayers()} for everything else (final norm and the whole decoder). The scale of
   * layer id k is {@code decay^(numLayers − k)}.
   */
  public int layerId(String parameterName) {
    if (parameterName.equals("cls_token") || parameterName.equals("pos_embed")
        || parameterName.equals("encoder_mask_token") || parameterName.startsWith("patch_embed.")) {
      return 0;
    }
    if (parameterName.startsWith("blocks.")) {
      String rest = parameterName.substring("blocks.".length());
      int dot = rest.indexOf('.');
      try {
        return Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot)) + 1;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a block parameter name: " + parameterName);
      }
    }
    return numLayers();
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

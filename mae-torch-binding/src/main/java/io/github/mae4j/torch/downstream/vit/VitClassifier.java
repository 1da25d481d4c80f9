package io.github.mae4j.torch.downstream.vit;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.nn.Block;
import io.github.mae4j.torch.nn.DropPathRows;
import io.github.mae4j.torch.nn.Initialization;
import io.github.mae4j.torch.nn.PatchEmbed;
import io.github.mae4j.torch.nn.VitParameterRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.ModuleListImpl;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * A Vision Transformer classifier whose encoder has the MAE encoder's parameter names ({@code patch_embed.proj},
 * {@code cls_token}, {@code pos_embed}, {@code blocks.i.*}, {@code norm}), so a pretrained MAE checkpoint — ours or
 * an official encoder file — loads by name with {@link #loadEncoder(Map)}. On top: {@code fc_norm} (average pooling)
 * or {@code norm} + cls token, and a linear {@code head} initialized with std 2e-5 as in the reference fine-tuning.
 * It is the MAE encoder's ViT: the same {@link PatchEmbed}, {@link Block} (here with stochastic depth) and
 * {@link Initialization}.
 *
 * <p>Geometry (image size, patch size, channels, encoder width/depth/heads, LayerNorm eps) comes from a
 * {@link MaeConfig}; the decoder part of it is ignored. A fine-tuning image size different from the checkpoint's
 * interpolates {@code pos_embed}. Non-square images ({@link MaeConfig#getImageWidth()} ≠ imageSize) get the
 * sin-cos table of their {@code gridHeight × gridWidth} grid.
 *
 * <p>It holds its libtorch module rather than being one, as {@code MaskedAutoencoder} does: {@link #module()} is there
 * for what needs libtorch itself. Build it outside any {@code PointerScope}. Closing twice is harmless; use after
 * close throws {@link IllegalStateException}.
 */
public final class VitClassifier implements AutoCloseable {
  private final MaeConfig config;
  private final int numClasses;
  private final Pooling pooling;
  private final Generator generator;
  private final DropPathRows dropPathRows = new DropPathRows();
  private final Module module;
  // Java-constructed modules are JavaCPP peers whose virtual calls (train, …) call back into Java: keep a strong
  // reference to every one of them for the life of the model, or a GC'd peer makes train(false) throw
  private final PatchEmbed patchEmbed;
  private final ModuleListImpl blockList;
  private final Tensor clsToken;
  private final Tensor posEmbed;
  private final List<Block> blocks = new ArrayList<>();
  private final LayerNormImpl finalNorm;
  private final LinearImpl head;
  private boolean closed;

  /**
   * A randomly initialized classifier (xavier-uniform linears, sin-cos {@code pos_embed}, cls token std 0.02, head
   * std 2e-5), reproducible from {@code seed}.
   *
   * @param dropPathRate stochastic depth of the last block; block i gets {@code rate·i/(depth−1)}
   */
  public VitClassifier(MaeConfig config, int numClasses, Pooling pooling, double dropPathRate, long seed) {
    Torch.load();
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses (" + numClasses + ") must be >= 1");
    }
    if (!(dropPathRate >= 0 && dropPathRate < 1)) {
      throw new IllegalArgumentException("dropPathRate (" + dropPathRate + ") must be in [0, 1)");
    }
    this.config = config;
    this.numClasses = numClasses;
    this.pooling = pooling;
    this.generator = torch.createCPUGenerator(seed);
    int d = config.getEncoder().getEmbedDim();
    int depth = config.getEncoder().getDepth();
    module = new Module();
    patchEmbed = module.register_module("patch_embed", new PatchEmbed(config.getInChannels(), d, config.getPatchSize()));
    clsToken = new Tensor(module.register_parameter("cls_token", Tensors.zeros(1, 1, d)));
    posEmbed = new Tensor(module.register_parameter("pos_embed", Tensors.zeros(1, config.getNumPatches() + 1, d)));
    blockList = module.register_module("blocks", new ModuleListImpl());
    for (int i = 0; i < depth; i++) {
      double rate = depth == 1 ? dropPathRate : dropPathRate * i / (depth - 1);
      Block b = new Block(config.getEncoder(), config.getLayerNormEps(), rate, generator, dropPathRows);
      blockList.push_back(b);
      blocks.add(b);
    }
    String normName = pooling == Pooling.AVERAGE ? "fc_norm" : "norm";
    finalNorm = module.register_module(normName, Block.layerNorm(d, config.getLayerNormEps()));
    head = module.register_module("head", new LinearImpl(d, numClasses));
    Initialization.initializeClassifier(module, generator, config.getGridHeight(), config.getGridWidth());
  }

  public MaeConfig config() {
    return config;
  }

  public int numClasses() {
    return numClasses;
  }

  public Pooling pooling() {
    return pooling;
  }

  public int depth() {
    return blocks.size();
  }

  public int embedDim() {
    return config.getEncoder().getEmbedDim();
  }

  /**
   * The libtorch module holding the parameters under their reference names, for what needs libtorch itself
   * (optimizers, archives); everything else goes through this class.
   */
  public Module module() {
    checkOpen();
    return module;
  }

  /** Switches training mode (drop path on) or evaluation mode (drop path off) for every block. */
  public void train(boolean on) {
    checkOpen();
    module.train(on);
  }

  /** Whether the model is in training mode. */
  public boolean isTraining() {
    checkOpen();
    return module.is_training();
  }

  /**
   * Restarts the drop-path random stream at {@code seed}: a trainer seeds it per epoch so that a resumed epoch
   * draws what the uninterrupted one drew.
   */
  public void reseedDropPath(long seed) {
    checkOpen();
    generator.set_current_seed(seed);
  }

  /**
   * The next forward passes hold rows {@code [offset, offset + N)} of a global batch of {@code globalRows}: drop-path
   * masks are drawn for the whole global batch and sliced, so N processes draw what one process draws for the whole
   * batch ({@code globalRows} 0: masks for the rows given, the default).
   */
  public void dropPathRows(long globalRows, long offset) {
    checkOpen();
    dropPathRows.set(globalRows, offset);
  }

  /**
   * images [N, C, H, W] → features [N, D]: patch embedding + pos_embed, cls token, blocks, then the pooling.
   *
   * @throws IllegalArgumentException when the images are not [N, C, imageSize, imageWidth]
   */
  public Tensor forwardFeatures(Tensor images) {
    checkOpen();
    long h = config.getImageSize();
    long w = config.getImageWidth();
    if (images.dim() != 4 || images.size(1) != config.getInChannels() || images.size(2) != h || images.size(3) != w) {
      throw new IllegalArgumentException("images must be [N, " + config.getInChannels() + ", " + h + ", " + w
          + "], got " + Tensors.shape(images));
    }
    long n = images.size(0);
    long d = embedDim();
    Tensor x = patchEmbed.forward(images).add(posEmbed.narrow(1, 1, config.getNumPatches()));
    Tensor cls = clsToken.add(posEmbed.narrow(1, 0, 1)).expand(n, 1, d);
    x = torch.cat(new TensorVector(cls, x), 1);
    for (Block b : blocks) {
      x = b.forward(x);
    }
    if (pooling == Pooling.AVERAGE) {
      return finalNorm.forward(x.narrow(1, 1, x.size(1) - 1).mean(1));
    }
    return finalNorm.forward(x).select(1, 0);
  }

  /** images [N, C, H, W] → logits [N, numClasses]. */
  public Tensor forward(Tensor images) {
    return head.forward(forwardFeatures(images));
  }

  /**
   * The layer group of a parameter for layer-wise lr decay (the reference {@code get_layer_id_for_vit}):
   * {@code cls_token}, {@code pos_embed}, {@code patch_embed.*} → 0; {@code blocks.i.*} → i+1; the rest
   * (final norm, head) → depth+1: {@link VitParameterRules#layerId}, the rule pretraining uses too.
   */
  public int layerId(String name) {
    return VitParameterRules.layerId(name, depth());
  }

  /** Number of layer groups: depth + 2. */
  public int numLayerGroups() {
    return depth() + 2;
  }

  /**
   * Whether a parameter is exempt from weight decay: 1-D tensors (norms, biases), {@code pos_embed},
   * {@code cls_token} ({@link VitParameterRules#noWeightDecay}, the rule pretraining uses too).
   */
  public boolean noWeightDecay(String name, Tensor parameter) {
    return VitParameterRules.noWeightDecay(name, parameter);
  }

  /** The trainable parameters by reference name, in registration order (tensors share storage with the model). */
  public Map<String, Tensor> namedParameters() {
    checkOpen();
    StringTensorDict dict = module.named_parameters(true);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (long i = 0; i < dict.size(); i++) {
      // copy the handle: value() points into the dict item, which dies with the temporary dict
      out.put(dict.get(i).key().getString(), new Tensor(dict.get(i).value()));
    }
    return out;
  }

  /**
   * Freezes the encoder except its last {@code k} blocks (the paper's partial fine-tuning, Figure 9); the final norm
   * and head stay trainable. {@code k = depth} trains everything, {@code k = 0} only norm and head.
   */
  public void freezeAllButLastBlocks(int k) {
    if (k < 0 || k > depth()) {
      throw new IllegalArgumentException("k (" + k + ") must be in [0, " + depth() + "]");
    }
    for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
      int id = layerId(e.getKey());
      boolean trainable = id > depth() - k;
      e.getValue().requires_grad_(trainable);
    }
  }

  /**
   * Copies an MAE encoder's weights in by name: every classifier parameter found in {@code stateDict} is loaded
   * (decoder entries and {@code mask_token} are ignored), {@code pos_embed} is interpolated when its grid differs
   * (from a square grid to this classifier's, square or not; a non-square table must already have this
   * classifier's patch count), the head and {@code fc_norm} keep their initialization.
   *
   * @throws IllegalArgumentException when a tensor's shape differs from the classifier's
   */
  public EncoderLoadReport loadEncoder(Map<String, Tensor> stateDict) {
    return loadEncoder(stateDict, null);
  }

  /**
   * As {@link #loadEncoder(Map)} for the encoder of {@code source}, whose patch grid (square or not) its
   * {@code pos_embed} is resized from to this classifier's (any grid to any other, also between grids of as many
   * patches).
   *
   * @param source the model the weights belong to, or null to infer a square grid from the table
   * @throws IllegalArgumentException when a tensor's shape differs from the classifier's
   */
  public EncoderLoadReport loadEncoder(Map<String, Tensor> stateDict, @Nullable MaeConfig source) {
    checkOpen();
    List<String> loaded = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    boolean resized = false;
    Map<String, Tensor> params = namedParameters();
    try (NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : params.entrySet()) {
        String name = e.getKey();
        Tensor src = stateDict.get(name);
        if (src == null || name.startsWith("head.")) {
          missing.add(name);
          continue;
        }
        Tensor dst = e.getValue();
        boolean otherGrid = source != null && (source.getGridHeight() != config.getGridHeight()
            || source.getGridWidth() != config.getGridWidth());
        if (name.equals("pos_embed") && src.dim() == 3 && otherGrid) {
          src = PosEmbedInterpolation.resize(src.to(torch.ScalarType.Float), 1, source.getGridHeight(),
              source.getGridWidth(), config.getGridHeight(), config.getGridWidth());
          resized = true;
        } else if (name.equals("pos_embed") && src.dim() == 3 && src.size(1) != dst.size(1)) {
          src = PosEmbedInterpolation.resize(src.to(torch.ScalarType.Float), 1, config.getGridHeight(),
              config.getGridWidth());
          resized = true;
        }
        if (!java.util.Arrays.equals(src.shape(), dst.shape())) {
          throw new IllegalArgumentException("encoder weight '" + name + "' has shape " + Tensors.shape(src)
              + ", the classifier expects " + Tensors.shape(dst));
        }
        dst.copy_(src);
        loaded.add(name);
      }
    }
    List<String> unexpected = stateDict.keySet().stream().filter(k -> !params.containsKey(k)).sorted().toList();
    return new EncoderLoadReport(loaded, missing, unexpected, resized);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("VitClassifier is closed");
    }
  }

  /** Releases the native module; closing twice is harmless. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      module.close();
    }
  }
}

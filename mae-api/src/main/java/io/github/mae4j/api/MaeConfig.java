package io.github.mae4j.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Objects;
import java.util.function.Consumer;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;

/**
 * The architecture and masking of one masked autoencoder: image geometry, the ViT encoder, the light decoder,
 * the mask and the loss target. Immutable; build with {@link #builder()}, start from a preset
 * ({@link #vitB16()}, {@link #vitL16()}, {@link #vitH14()}, {@link #tiny()}) or copy with {@code with*}.
 *
 * <p>Defaults are the paper's: 224-px RGB images, 16-px patches, ViT-B encoder, 512×8 decoder with 16 heads,
 * 75% random masking, per-patch normalized pixel targets, LayerNorm eps 1e-6.
 */
@Value.Immutable
// MaeStyle's settings, except that the public Builder below is written by hand (it keeps the nested specs so
// that the lambda editors start from the value set so far), so Immutables must not try to extend it.
@Value.Style(
    get = {"get*", "is*"},
    init = "*",
    typeImmutable = "Immutable*",
    typeInnerBuilder = "GeneratedBuilder",
    builder = "generatedBuilder",
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    builderVisibility = Value.Style.BuilderVisibility.PUBLIC,
    overshadowImplementation = true,
    jdkOnly = true,
    defaults = @Value.Immutable(copy = true))
@JsonSerialize(as = ImmutableMaeConfig.class)
@JsonDeserialize(as = ImmutableMaeConfig.class)
public abstract class MaeConfig implements WithMaeConfig {

  /** Height of the input image in pixels, and its width unless {@link #getImageWidth()} says otherwise. */
  @Value.Default
  public int getImageSize() {
    return 224;
  }

  /**
   * Width of the input image in pixels when it differs from {@link #getImageSize()} (e.g. 160 for 224×160
   * images), absent for square images; written as {@code imageWidth}. Non-square models pretrain (the image
   * pipelines crop to imageSize × imageWidth), reconstruct, give features and fine-tune, with every
   * {@link MaskSampling} (GRID needs both sides of the patch grid even), and convert to and from HF's layout
   * ({@code image_size: [H, W]}).
   */
  @JsonProperty("imageWidth")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public abstract @Nullable Integer getImageWidthOverride();

  /** Width of the input image in pixels: {@link #getImageWidthOverride()} if set, else {@link #getImageSize()}. */
  @JsonIgnore
  public int getImageWidth() {
    Integer w = getImageWidthOverride();
    return w == null ? getImageSize() : w;
  }

  /** Side of a square patch in pixels (p). */
  @Value.Default
  public int getPatchSize() {
    return 16;
  }

  /** Image channels: 1 (grayscale), 3 (RGB) or any other positive count. */
  @Value.Default
  public int getInChannels() {
    return 3;
  }

  /** The ViT encoder (default ViT-B: 768 wide, 12 blocks, 12 heads). */
  @Value.Default
  public EncoderSpec getEncoder() {
    return EncoderSpec.of(VitSize.BASE);
  }

  /** The light decoder that reconstructs the pixels (default 512 wide, 8 blocks, 16 heads). */
  @Value.Default
  public DecoderSpec getDecoder() {
    return DecoderSpec.builder().build();
  }

  /** Fraction of patches removed per sample, in [0, 1). */
  @Value.Default
  public double getMaskRatio() {
    return 0.75;
  }

  /** How the removed patches are chosen (see {@link MaskSampling}); the paper's default is RANDOM. */
  @Value.Default
  public MaskSampling getMaskSampling() {
    return MaskSampling.RANDOM;
  }

  /**
   * What the decoder predicts: {@link ReconstructionTarget#NORMALIZED_PIXELS} (the paper's default, Table 1d) or
   * {@link ReconstructionTarget#PIXELS}. Recipes written with the former boolean {@code normPixLoss} still load.
   */
  @Value.Default
  public ReconstructionTarget getTarget() {
    return ReconstructionTarget.NORMALIZED_PIXELS;
  }

  /** Whether the target is per-patch normalized pixels (the reference's {@code norm_pix_loss}). */
  @JsonIgnore
  public boolean isNormPixLoss() {
    return getTarget() instanceof ReconstructionTarget.NormalizedPixels;
  }

  /** A copy with normalized-pixel (true) or raw-pixel (false) targets. */
  public MaeConfig withNormPixLoss(boolean normalized) {
    return withTarget(normalized ? ReconstructionTarget.NORMALIZED_PIXELS : ReconstructionTarget.PIXELS);
  }

  /** Epsilon of every LayerNorm, 1e-6 as in the reference implementation. */
  @Value.Default
  public double getLayerNormEps() {
    return 1e-6;
  }

  /**
   * The ablation of the paper's Table 1c: the encoder sees mask tokens for the removed patches (and is ~3× more
   * expensive). Off by default, as in MAE.
   */
  @Value.Default
  public boolean isEncoderTakesMaskTokens() {
    return false;
  }

  // ---- derived -------------------------------------------------------------------------------------------

  /** Whether the images are square (imageWidth = imageSize). */
  @JsonIgnore
  public boolean isSquare() {
    return getImageWidth() == getImageSize();
  }

  /**
   * Patches per side of a square image: imageSize / patchSize.
   *
   * @throws IllegalStateException for non-square images: use {@link #getGridHeight()} and {@link #getGridWidth()}
   */
  @JsonIgnore
  public int getGridSize() {
    if (!isSquare()) {
      throw new IllegalStateException("gridSize is for square images; this model's grid is " + getGridHeight() + "×"
          + getGridWidth() + " (" + getImageSize() + "×" + getImageWidth() + " px): use gridHeight and gridWidth");
    }
    return getGridHeight();
  }

  /** Patch rows: imageSize / patchSize. */
  @JsonIgnore
  public int getGridHeight() {
    return getImageSize() / getPatchSize();
  }

  /** Patch columns: imageWidth / patchSize. */
  @JsonIgnore
  public int getGridWidth() {
    return getImageWidth() / getPatchSize();
  }

  /** Number of patches L = gridHeight · gridWidth. */
  @JsonIgnore
  public int getNumPatches() {
    return getGridHeight() * getGridWidth();
  }

  /** Visible (kept) patches per sample: ⌊L·(1−r)⌋. */
  @JsonIgnore
  public int getNumVisible() {
    return (int) (getNumPatches() * (1 - getMaskRatio()));
  }

  /** Removed patches per sample. */
  @JsonIgnore
  public int getNumMasked() {
    return getNumPatches() - getNumVisible();
  }

  /** Values in one flattened patch: p²·C. */
  @JsonIgnore
  public int getPatchDim() {
    return getPatchSize() * getPatchSize() * getInChannels();
  }

  /** Trainable parameters of the encoder (patch embedding, cls token, blocks, final norm); sin-cos tables excluded. */
  @JsonIgnore
  public long getEncoderParameterCount() {
    long d = getEncoder().getEmbedDim();
    long patchEmbed = (long) getPatchDim() * d + d;
    return patchEmbed + d + getEncoder().getDepth() * getEncoder().getBlockParameterCount() + 2 * d;
  }

  /** Trainable parameters of the decoder (embed, mask token, blocks, norm, prediction head). */
  @JsonIgnore
  public long getDecoderParameterCount() {
    long d = getEncoder().getEmbedDim();
    long dd = getDecoder().getEmbedDim();
    long embed = d * dd + dd;
    long pred = dd * getPatchDim() + getPatchDim();
    return embed + dd + getDecoder().getDepth() * getDecoder().getBlockParameterCount() + 2 * dd + pred;
  }

  /** Trainable parameters of the whole MAE. */
  @JsonIgnore
  public long getParameterCount() {
    return getEncoderParameterCount() + getDecoderParameterCount();
  }

  /**
   * Multiply-accumulates of one training forward pass per image (matmuls and the patch projection): the encoder
   * runs on the visible patches plus cls (all patches when {@link #isEncoderTakesMaskTokens()}), the decoder on
   * every patch plus cls. ViT-B/16 at 224 px is ≈ 9.8 GMAC.
   */
  @JsonIgnore
  public long getForwardMacs() {
    long l = getNumPatches();
    long d = getEncoder().getEmbedDim();
    long dd = getDecoder().getEmbedDim();
    long encTokens = (isEncoderTakesMaskTokens() ? l : getNumVisible()) + 1;
    long macs = l * getPatchDim() * d;
    macs += getEncoder().getDepth() * getEncoder().blockMacs(encTokens);
    macs += encTokens * d * dd;
    macs += getDecoder().getDepth() * getDecoder().blockMacs(l + 1);
    macs += l * dd * getPatchDim();
    return macs;
  }

  /** Floating-point operations of one training forward pass per image: 2 × {@link #getForwardMacs()}. */
  @JsonIgnore
  public long getForwardFlops() {
    return 2 * getForwardMacs();
  }

  @Value.Check
  protected void check() {
    Checks.positive("imageSize", getImageSize());
    Checks.positive("patchSize", getPatchSize());
    Checks.positive("inChannels", getInChannels());
    if (getImageSize() % getPatchSize() != 0) {
      throw new IllegalArgumentException(
          "imageSize (" + getImageSize() + ") must be divisible by patchSize (" + getPatchSize() + ")");
    }
    Checks.positive("imageWidth", getImageWidth());
    if (getImageWidth() % getPatchSize() != 0) {
      throw new IllegalArgumentException(
          "imageWidth (" + getImageWidth() + ") must be divisible by patchSize (" + getPatchSize() + ")");
    }
    if (!(getMaskRatio() >= 0 && getMaskRatio() < 1)) {
      throw new IllegalArgumentException("maskRatio (" + getMaskRatio() + ") must be in [0, 1)");
    }
    if (getNumVisible() < 1) {
      throw new IllegalArgumentException(
          "maskRatio (" + getMaskRatio() + ") leaves no visible patch of " + getNumPatches()
              + ": floor(L·(1−r)) must be at least 1");
    }
    if (!(getLayerNormEps() > 0) || Double.isInfinite(getLayerNormEps())) {
      throw new IllegalArgumentException("layerNormEps (" + getLayerNormEps() + ") must be a positive number");
    }
    if (getMaskSampling() == MaskSampling.GRID) {
      if (getMaskRatio() != 0.75) {
        throw new IllegalArgumentException(
            "maskRatio (" + getMaskRatio() + ") must be 0.75 for maskSampling GRID (one patch of every 2×2 kept)");
      }
      if (isSquare() && getGridSize() % 2 != 0) {
        throw new IllegalArgumentException(
            "gridSize (" + getGridSize() + " = imageSize/patchSize) must be even for maskSampling GRID");
      }
      if (!isSquare() && (getGridHeight() % 2 != 0 || getGridWidth() % 2 != 0)) {
        throw new IllegalArgumentException("gridHeight (" + getGridHeight() + " = imageSize/patchSize) and gridWidth ("
            + getGridWidth() + " = imageWidth/patchSize) must both be even for maskSampling GRID");
      }
    }
  }

  // ---- presets -------------------------------------------------------------------------------------------

  /** MAE with ViT-B/16 at 224 px (decoder 512×8, 16 heads). */
  public static MaeConfig vitB16() {
    return builder().patchSize(16).encoder(EncoderSpec.of(VitSize.BASE)).build();
  }

  /** MAE with ViT-L/16 at 224 px (decoder 512×8, 16 heads). */
  public static MaeConfig vitL16() {
    return builder().patchSize(16).encoder(EncoderSpec.of(VitSize.LARGE)).build();
  }

  /** MAE with ViT-H/14 at 224 px (decoder 512×8, 16 heads). */
  public static MaeConfig vitH14() {
    return builder().patchSize(14).encoder(EncoderSpec.of(VitSize.HUGE)).build();
  }

  /**
   * A CPU-sized MAE: 32-px RGB images, 4-px patches (64 patches), encoder 192×4 with 3 heads, decoder 128×2 with
   * 4 heads. Trains at interactive speed on two cores.
   */
  public static MaeConfig tiny() {
    return builder()
        .imageSize(32)
        .patchSize(4)
        .encoder(e -> e.embedDim(192).depth(4).numHeads(3))
        .decoder(d -> d.embedDim(128).depth(2).numHeads(4))
        .build();
  }

  // ---- copies --------------------------------------------------------------------------------------------

  /** A builder pre-filled with this configuration. */
  public Builder toBuilder() {
    return builder().from(this);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link MaeConfig}s. Nested specs can be edited in place with a lambda, starting from the value set so
   * far (the default or the copied one): {@code MaeConfig.vitL16().toBuilder().encoder(e -> e.depth(12))}.
   */
  public static final class Builder {
    private final ImmutableMaeConfig.Builder delegate = ImmutableMaeConfig.generatedBuilder();
    private EncoderSpec encoder = EncoderSpec.of(VitSize.BASE);
    private DecoderSpec decoder = DecoderSpec.builder().build();

    Builder() {}

    /** Copies every value of {@code config}. */
    public Builder from(MaeConfig config) {
      delegate.from(config);
      encoder = config.getEncoder();
      decoder = config.getDecoder();
      return this;
    }

    public Builder imageSize(int value) {
      delegate.imageSize(value);
      return this;
    }

    /** The width when the images are not square (default: imageSize). */
    public Builder imageWidth(int value) {
      delegate.imageWidthOverride(value);
      return this;
    }

    public Builder patchSize(int value) {
      delegate.patchSize(value);
      return this;
    }

    public Builder inChannels(int value) {
      delegate.inChannels(value);
      return this;
    }

    public Builder encoder(EncoderSpec value) {
      encoder = Objects.requireNonNull(value, "encoder");
      delegate.encoder(value);
      return this;
    }

    /** The encoder of a named ViT size. */
    public Builder encoder(VitSize size) {
      return encoder(EncoderSpec.of(size));
    }

    /** Edits the encoder set so far: {@code encoder(e -> e.depth(24))}. */
    public Builder encoder(Consumer<EncoderSpec.Builder> edit) {
      EncoderSpec.Builder b = encoder.toBuilder();
      edit.accept(b);
      return encoder(b.build());
    }

    public Builder decoder(DecoderSpec value) {
      decoder = Objects.requireNonNull(value, "decoder");
      delegate.decoder(value);
      return this;
    }

    /** Edits the decoder set so far: {@code decoder(d -> d.depth(1))}. */
    public Builder decoder(Consumer<DecoderSpec.Builder> edit) {
      DecoderSpec.Builder b = decoder.toBuilder();
      edit.accept(b);
      return decoder(b.build());
    }

    public Builder maskRatio(double value) {
      delegate.maskRatio(value);
      return this;
    }

    public Builder maskSampling(MaskSampling value) {
      delegate.maskSampling(value);
      return this;
    }

    /** Normalized-pixel (true) or raw-pixel (false) targets: {@link #target(ReconstructionTarget)}. */
    public Builder normPixLoss(boolean value) {
      return target(value ? ReconstructionTarget.NORMALIZED_PIXELS : ReconstructionTarget.PIXELS);
    }

    public Builder target(ReconstructionTarget value) {
      delegate.target(value);
      return this;
    }

    public Builder layerNormEps(double value) {
      delegate.layerNormEps(value);
      return this;
    }

    public Builder encoderTakesMaskTokens(boolean value) {
      delegate.encoderTakesMaskTokens(value);
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule when it cannot work
     */
    public MaeConfig build() {
      return delegate.build();
    }
  }
}

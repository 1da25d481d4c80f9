package io.github.mae4j.torch.nn;

import io.github.mae4j.api.MaeConfig;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.ModuleListImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The libtorch module of a masked autoencoder, with the reference's parameter names. Holds the layers and the
 * encoder / decoder passes; {@link MaskedAutoencoder} is the public face.
 *
 * <p>Registration order follows the reference's {@code state_dict()}: own parameters ({@code cls_token},
 * {@code pos_embed}, {@code mask_token}, {@code decoder_pos_embed}, and {@code encoder_mask_token} only for the
 * encoder-takes-mask-tokens ablation), then {@code patch_embed}, {@code blocks}, {@code norm},
 * {@code decoder_embed}, {@code decoder_blocks}, {@code decoder_norm}, {@code decoder_pred}.
 */
final class MaeModule extends Module {
  final MaeConfig config;
  final Tensor clsToken;
  final Tensor posEmbed;
  final Tensor maskToken;
  final Tensor decoderPosEmbed;
  final Tensor encoderMaskToken;
  final PatchEmbed patchEmbed;
  final List<Block> blocks = new ArrayList<>();
  final LayerNormImpl norm;
  final LinearImpl decoderEmbed;
  final List<Block> decoderBlocks = new ArrayList<>();
  final LayerNormImpl decoderNorm;
  final LinearImpl decoderPred;

  MaeModule(MaeConfig config) {
    this.config = config;
    long l = config.getNumPatches();
    int d = config.getEncoder().getEmbedDim();
    int dd = config.getDecoder().getEmbedDim();
    double eps = config.getLayerNormEps();
    // keep copies of the returned handles: they point into a vector that later registrations reallocate
    clsToken = new Tensor(register_parameter("cls_token", torch.zeros(1, 1, d)));
    posEmbed = new Tensor(register_parameter("pos_embed", torch.zeros(1, l + 1, d), false));
    maskToken = new Tensor(register_parameter("mask_token", torch.zeros(1, 1, dd)));
    decoderPosEmbed = new Tensor(register_parameter("decoder_pos_embed", torch.zeros(1, l + 1, dd), false));
    encoderMaskToken = config.isEncoderTakesMaskTokens()
        ? new Tensor(register_parameter("encoder_mask_token", torch.zeros(1, 1, d)))
        : new Tensor();
    patchEmbed = register_module("patch_embed", new PatchEmbed(config.getInChannels(), d, config.getPatchSize()));
    ModuleListImpl blockList = register_module("blocks", new ModuleListImpl());
    for (int i = 0; i < config.getEncoder().getDepth(); i++) {
      Block b = new Block(config.getEncoder(), eps);
      blockList.push_back(b);
      blocks.add(b);
    }
    norm = register_module("norm", Block.layerNorm(d, eps));
    decoderEmbed = register_module("decoder_embed", new LinearImpl(d, dd));
    ModuleListImpl decoderList = register_module("decoder_blocks", new ModuleListImpl());
    for (int i = 0; i < config.getDecoder().getDepth(); i++) {
      Block b = new Block(config.getDecoder(), eps);
      decoderList.push_back(b);
      decoderBlocks.add(b);
    }
    decoderNorm = register_module("decoder_norm", Block.layerNorm(dd, eps));
    decoderPred = register_module("decoder_pred", new LinearImpl(dd, config.getPatchDim()));
  }

  /**
   * The encoder on the visible patches plus cls (all patches, removed ones replaced by
   * {@code encoder_mask_token}, in the ablation): images [N, C, H, W] → latent [N, 1 + keep, D]
   * ([N, 1 + L, D] in the ablation).
   */
  Tensor forwardEncoder(Tensor images, Masking.Indices idx) {
    Tensor x = patchEmbed.forward(images);
    long n = x.size(0);
    long l = x.size(1);
    long d = x.size(2);
    if (config.isEncoderTakesMaskTokens()) {
      Tensor removed = idx.mask().unsqueeze(-1).to(ScalarType.Bool);
      x = torch.where(removed, encoderMaskToken.to(x.scalar_type()), x).add(posEmbed.narrow(1, 1, l));
    } else {
      x = x.add(posEmbed.narrow(1, 1, l));
      long keep = idx.idsKeep().size(1);
      x = torch.gather(x, 1, idx.idsKeep().unsqueeze(-1).expand(n, keep, d));
    }
    return encodeWithCls(x, posEmbed.narrow(1, 0, 1));
  }

  /** tokens [N, T, D] (position already added) → [N, 1 + T, D] after cls, blocks and the final norm. */
  Tensor encodeWithCls(Tensor x, Tensor clsPos) {
    Tensor cls = clsToken.add(clsPos).expand(x.size(0), -1, -1);
    Tensor h = torch.cat(new TensorVector(cls, x), 1);
    for (Block b : blocks) {
      h = b.forward(h);
    }
    return norm.forward(h);
  }

  /**
   * The decoder: latent [N, 1 + keep, D] → pred [N, L, p²·C]. Mask tokens are inserted and the sequence is
   * unshuffled with {@code ids_restore} (skipped in the ablation, where the latent already has all L tokens).
   */
  Tensor forwardDecoder(Tensor latent, Tensor idsRestore) {
    Tensor x = decoderEmbed.forward(latent);
    long n = x.size(0);
    long l = config.getNumPatches();
    long dd = x.size(2);
    if (!config.isEncoderTakesMaskTokens()) {
      long visible = x.size(1) - 1;
      Tensor tokens = maskToken.to(x.scalar_type()).expand(n, l - visible, dd);
      Tensor rest = torch.cat(new TensorVector(x.narrow(1, 1, visible), tokens), 1);
      rest = torch.gather(rest, 1, idsRestore.unsqueeze(-1).expand(n, l, dd));
      x = torch.cat(new TensorVector(x.narrow(1, 0, 1), rest), 1);
    }
    x = x.add(decoderPosEmbed);
    for (Block b : decoderBlocks) {
      x = b.forward(x);
    }
    x = decoderPred.forward(decoderNorm.forward(x));
    return x.narrow(1, 1, l);
  }
}

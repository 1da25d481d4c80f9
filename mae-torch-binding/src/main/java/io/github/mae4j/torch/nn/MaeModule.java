package io.github.mae4j.torch.nn;

import io.github.mae4j.api.MaeConfig;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.ModuleListImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The libtorch module of a masked autoencoder, with the reference's parameter names: the layers only; the passes
 * through them are {@link MaskedAutoencoder}'s.
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
}

package io.github.mae4j.samples

import io.github.mae4j.api.MaeConfig
import io.github.mae4j.torch.nn.Features
import io.github.mae4j.torch.nn.MaskedAutoencoder
import io.github.mae4j.torch.weights.ChannelAdaptation
import io.github.mae4j.torch.weights.PretrainedWeights
import io.github.mae4j.torch.weights.WeightFiles
import org.bytedeco.pytorch.NoGradGuard
import org.bytedeco.pytorch.Tensor
import java.nio.file.Path

/**
 * Features from weights a Python user already has: a Hugging Face `ViTMAEForPreTraining` directory
 * (`config.json` + `model.safetensors`, e.g. `save_pretrained` output or a `facebook/vit-mae-*` download), a timm
 * ViT or an official MAE `.pth`, loaded strictly into a mae4j model and run without masking.
 */
object KotlinPretrainedFeatures {
    /**
     * Opens [weights] as a model of [imageSize] px and [channels] channels (null: the checkpoint's own, from its
     * `config.json`); position embeddings are resized bicubically, other channels adapted by [adaptation].
     */
    fun open(
        weights: Path,
        imageSize: Int? = null,
        channels: Int? = null,
        adaptation: ChannelAdaptation? = null,
    ): MaskedAutoencoder =
        WeightFiles.read(weights).use { contents ->
            val own = contents.hfConfig().map { it.toMaeConfig() }
                .orElseThrow { IllegalArgumentException("$weights has no config.json: give the model in Java") }
            val model: MaeConfig = own.toBuilder()
                .imageSize(imageSize ?: own.imageSize)
                .inChannels(channels ?: own.inChannels)
                .build()
            val mae = MaskedAutoencoder.create(model, 0)
            try {
                val loaded = PretrainedWeights.load(mae, contents, adaptation)
                System.err.println("loaded $weights: ${loaded.describe()}")
                mae
            } catch (e: RuntimeException) {
                mae.close()
                throw e
            }
        }

    /** Encoder features of images [N, C, H, W] (cls, mean of the patch tokens, all tokens), without gradients. */
    fun features(model: MaskedAutoencoder, images: Tensor): Features =
        NoGradGuard().use { model.features(images) }

    /** `KotlinPretrainedFeatures HF_DIR`: the feature width and norm of one random image. */
    @JvmStatic
    fun main(args: Array<String>) {
        open(Path.of(args.first())).use { mae ->
            val c = mae.config()
            val images = org.bytedeco.pytorch.global.torch.rand(1, c.inChannels.toLong(), c.imageSize.toLong(),
                c.imageSize.toLong())
            val f = features(mae, images)
            println("mean-patch features: ${f.meanPatch().size(1)} wide, norm ${f.meanPatch().norm().item_float()}")
        }
    }
}

package io.github.mae4j.samples

import io.github.mae4j.api.Json
import io.github.mae4j.api.MaeConfig
import io.github.mae4j.api.MaskSampling
import io.github.mae4j.api.VitSize

/**
 * Composing MAE variants from Kotlin: `get*`/`is*` accessors read as properties, nested specs are edited with
 * lambdas, and JSpecify nullness is enforced by the compiler (passing a nullable where mae4j expects a value
 * does not compile).
 */
object KotlinConfigs {
    /** ViT-L/16 with a one-block decoder (the paper's Table 1a shows depth 1 still works for fine-tuning). */
    fun lightDecoderLarge(): MaeConfig =
        // tag::light-decoder[]
        MaeConfig.builder()
            .encoder(VitSize.LARGE)
            .decoder { it.depth(1) }
            .build()
        // end::light-decoder[]

    /** A grayscale variant for medical or Fashion-MNIST-like images, with block masking at 90%. */
    fun grayscaleBlockMasking(): MaeConfig =
        // tag::grayscale[]
        MaeConfig.tiny().toBuilder()
            .imageSize(28)
            .inChannels(1)
            .maskSampling(MaskSampling.BLOCK)
            .maskRatio(0.9)
            .build()
        // end::grayscale[]

    /** The README's example: the line it prints. */
    fun readmeExample(): String {
        // tag::readme[]
        val config = MaeConfig.builder()
            .encoder(VitSize.LARGE)
            .decoder { it.depth(1) }
            .build()
        println("${config.numVisible} of ${config.numPatches} patches visible, ${config.forwardMacs / 1e9} GMAC")
        // end::readme[]
        return "${config.numVisible} of ${config.numPatches}"
    }

    // tag::describe[]
    fun describe(config: MaeConfig): String =
        "MAE ${config.imageSize}px/${config.patchSize}, encoder ${config.encoder.embedDim}×${config.encoder.depth}, " +
            "decoder ${config.decoder.embedDim}×${config.decoder.depth}, ${config.numVisible}/${config.numPatches} " +
            "patches visible, ${"%.1f".format(config.parameterCount / 1e6)} M parameters, " +
            "${"%.2f".format(config.forwardMacs / 1e9)} GMAC forward"
    // end::describe[]

    @JvmStatic
    fun main(args: Array<String>) {
        for (c in listOf(MaeConfig.vitB16(), lightDecoderLarge(), grayscaleBlockMasking())) {
            println(describe(c))
        }
        println(Json.write(grayscaleBlockMasking().withNormPixLoss(false)))
    }
}

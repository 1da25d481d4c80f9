package io.github.mae4j.samples

import io.github.mae4j.recipes.Recipes
import io.github.mae4j.torch.downstream.DownstreamData
import io.github.mae4j.torch.downstream.RunResult
import io.github.mae4j.torch.downstream.finetune.FinetuneRun
import io.github.mae4j.torch.downstream.knn.KnnEvaluation
import io.github.mae4j.torch.downstream.linprobe.LinearProbeRun
import io.github.mae4j.torch.downstream.vit.Pooling
import java.nio.file.Path

/**
 * What `mae finetune`, `mae linprobe` and `mae knn` do, written against the library alone: build a run from a recipe,
 * an encoder checkpoint (a mae4j run directory or `*.ckpt`, an official `.pth`, a `.safetensors` file, or none for a
 * random encoder) and labelled data, then call `run()`.
 */
object KotlinDownstream {
    /** Fine-tunes a classifier built from [encoder] on [data] for [epochs] epochs (Fashion-MNIST's recipe). */
    fun finetune(encoder: Path?, data: DownstreamData, epochs: Int, output: Path? = null): RunResult =
        FinetuneRun.builder(Recipes.fashionMnistFinetune())
            .epochs(epochs)
            .encoder(encoder)
            .data(data)
            .output(output)
            .onEpoch { println("fine-tune epoch ${it.epoch}: loss ${"%.4f".format(it.trainLoss)}") }
            .build()
            .run()

    /** Trains a linear probe on the frozen [encoder]'s mean-pooled features of [data]. */
    fun probe(encoder: Path?, data: DownstreamData, epochs: Int): RunResult =
        LinearProbeRun.builder(Recipes.fashionMnistLinearProbe())
            .epochs(epochs)
            .encoder(encoder)
            .data(data)
            .pooling(Pooling.AVERAGE)
            .build()
            .run()

    /** Weighted k-NN top-1 of the frozen [encoder]'s features: the training split is the bank. */
    fun knnTop1(encoder: Path?, data: DownstreamData, k: Int = KnnEvaluation.DEFAULT_K): Double =
        KnnEvaluation(Recipes.fashionMnistLinearProbe(), encoder, data, k, KnnEvaluation.DEFAULT_TEMPERATURE)
            .run()
            .top1

    /** `KotlinDownstream [checkpoint]`: one epoch of each on 2000/500 Fashion-MNIST images. */
    @JvmStatic
    fun main(args: Array<String>) {
        val encoder = args.firstOrNull()?.let { Path.of(it) }
        val data = DownstreamData.fashionMnist(2000, 500)
        val ft = finetune(encoder, data, 1)
        val lp = probe(encoder, data, 1)
        println("fine-tune top-1 ${"%.3f".format(ft.top1)}, linear probe top-1 ${"%.3f".format(lp.top1)}, " +
            "k-NN top-1 ${"%.3f".format(knnTop1(encoder, data))}")
    }
}

package io.github.mae4j.samples.cli;

import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.finetune.Finetuner;
import io.github.mae4j.torch.downstream.vit.EncoderLoadReport;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import io.github.mae4j.torch.run.ProgressReporter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mae finetune}: end-to-end (or last-k-blocks) fine-tuning of a ViT classifier from the encoder. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
    description = {"Fine-tune a ViT classifier built from the encoder on Fashion-MNIST (recipe",
        "fashion-mnist-finetune: AdamW, layer decay, drop path, mixup/cutmix, label smoothing, random erasing).",
        "--output DIR keeps a checkpoint and metrics.jsonl after every epoch; --resume DIR continues such a run.",
        "Example: mae finetune --checkpoint runs/fmnist --epochs 10 --output runs/ft"})
final class FinetuneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DownstreamOptions options = new DownstreamOptions();

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the recipe's).")
  @Nullable Integer epochs;

  @Option(names = "--last-blocks", paramLabel = "K",
      description = "Partial fine-tuning: train only the last K blocks, the final norm and the head.")
  @Nullable Integer lastBlocks;

  @Option(names = "--ema", paramLabel = "DECAY", description = "Keep an EMA of the weights and evaluate it.")
  @Nullable Double ema;

  @Mixin RunDirOptions run = new RunDirOptions();

  @Override
  public Integer call() throws Exception {
    Map<String, @Nullable Object> others = new LinkedHashMap<>();
    others.put("--epochs", epochs);
    others.put("--last-blocks", lastBlocks);
    others.put("--ema", ema);
    options.putGiven(others);
    Optional<DownstreamCheckpoint> resumed = run.resumed(DownstreamCheckpoint.FINETUNE, others);
    FinetuneRecipe recipe;
    @Nullable EncoderWeights w = null;
    if (resumed.isPresent()) {
      Map<String, String> s = resumed.get().settings();
      recipe = RecipeIo.fromJson(resumed.get().recipeJson(), FinetuneRecipe.class);
      options.restoreDataSettings(s);
      lastBlocks = s.containsKey("last_blocks") ? RunDirOptions.intSetting(s, "last_blocks", 0) : null;
      ema = s.containsKey("ema") ? Double.valueOf(s.get("ema")) : null;
    } else {
      recipe = Recipes.fashionMnistFinetune();
      if (epochs != null) {
        recipe = RecipeArgument.withEpochs(recipe, recipe.toBuilder(), epochs);
      }
      w = EncoderWeights.load(options.checkpoint, recipe.getModel());
      // the encoder's geometry, the data's classes, statistics for the encoder's channels
      recipe = recipe.toBuilder().model(w.model()).numClasses(options.numClasses())
          .normalization(DownstreamOptions.normalizationFor(recipe, w.model())).build();
    }
    Map<String, String> settings = new LinkedHashMap<>();
    options.saveDataSettings(settings);
    if (lastBlocks != null) {
      settings.put("last_blocks", lastBlocks.toString());
    }
    if (ema != null) {
      settings.put("ema", ema.toString());
    }
    settings.put("encoder", w == null ? "" : w.description());
    RunDirectory dir = run.directory(settings);
    LabeledImages train = options.data(FashionMnist.Split.TRAIN, recipe.getModel(), recipe);
    LabeledImages test = options.data(FashionMnist.Split.TEST, recipe.getModel(), recipe);
    int total = recipe.getEpochs();
    try (VitClassifier m = Finetuner.newClassifier(recipe)) {
      if (w != null && w.weights() != null) {
        EncoderLoadReport r = m.loadEncoder(w.weights());
        DownstreamOptions.log("loaded " + r.loaded().size() + " encoder tensors from " + w.description());
      } else if (w != null) {
        DownstreamOptions.log("encoder: random initialization");
      }
      if (lastBlocks != null) {
        m.freezeAllButLastBlocks(lastBlocks);
      }
      RunResult r = Finetuner.run(m, recipe, train, test, ema == null ? OptionalDouble.empty() : OptionalDouble.of(ema),
          true, e -> DownstreamOptions.log(String.format(Locale.ROOT,
              "epoch %d/%d loss %.4f lr %.3g (%.0f s) test top-1 %.2f %%",
              e.epoch(), total, e.trainLoss(), e.learningRate(), e.seconds(), 100 * e.testTop1())), dir,
          ProgressReporter.forStderr(10));
      spec.commandLine().getOut().println(options.json
          ? String.format(Locale.ROOT, "{\"top1\": %.4f, \"top5\": %.4f, \"epochs\": %d, \"seconds\": %.1f}",
              r.top1(), r.top5(), r.epochs().size(), r.seconds())
          : String.format(Locale.ROOT, "fine-tune: top-1 %.2f %%, top-5 %.2f %% after %d epochs (%.1f s)",
              100 * r.top1(), 100 * r.top5(), r.epochs().size(), r.seconds()));
    }
    return 0;
  }
}

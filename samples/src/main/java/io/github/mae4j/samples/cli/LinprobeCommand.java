package io.github.mae4j.samples.cli;

import io.github.mae4j.api.recipe.Augmentation;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.recipes.Recipes;
import io.github.mae4j.torch.data.FashionMnist;
import io.github.mae4j.torch.downstream.EpochStats;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.RunResult;
import io.github.mae4j.torch.downstream.aug.RandomCropFlip;
import io.github.mae4j.torch.downstream.checkpoint.DownstreamCheckpoint;
import io.github.mae4j.torch.downstream.checkpoint.RunDirectory;
import io.github.mae4j.torch.downstream.linprobe.LinearProbe;
import io.github.mae4j.torch.downstream.vit.Pooling;
import io.github.mae4j.torch.downstream.vit.VitClassifier;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mae linprobe}: a BatchNorm + linear head trained with LARS on frozen features. */
@Command(name = "linprobe", mixinStandardHelpOptions = true,
    description = {"Linear probing on Fashion-MNIST: frozen encoder, BatchNorm without affine + linear head,",
        "LARS, warmup + cosine (recipe fashion-mnist-linprobe). --output DIR keeps a checkpoint and metrics.jsonl",
        "after every epoch; --resume DIR continues such a run. Example: mae linprobe --checkpoint runs/fmnist"})
final class LinprobeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DownstreamOptions options = new DownstreamOptions();

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the recipe's).")
  @Nullable Integer epochs;

  @Option(names = "--cls-token", description = "Probe the cls token (after the final norm) instead of mean pooling.")
  boolean clsToken;

  @Option(names = "--augment",
      description = "The paper's protocol: a random resized crop (scale 0.08-1) and flip of every training image each "
          + "epoch, features recomputed by the frozen encoder every step (slower).")
  boolean augment;

  @Mixin RunDirOptions run = new RunDirOptions();

  @Override
  public Integer call() throws Exception {
    Map<String, @Nullable Object> others = new LinkedHashMap<>();
    others.put("--epochs", epochs);
    others.put("--cls-token", clsToken);
    others.put("--augment", augment);
    options.putGiven(others);
    Optional<DownstreamCheckpoint> resumed = run.resumed(DownstreamCheckpoint.LINPROBE, others);
    LinearProbeRecipe recipe;
    if (resumed.isPresent()) {
      Map<String, String> s = resumed.get().settings();
      recipe = RecipeIo.fromJson(resumed.get().recipeJson(), LinearProbeRecipe.class);
      options.restoreDataSettings(s);
      clsToken = Boolean.parseBoolean(s.get("cls_token"));
      // the probe's checkpoint does not hold the frozen encoder: it is read again from where the run read it
      String encoder = s.getOrDefault("encoder_checkpoint", "");
      options.checkpoint = encoder.isEmpty() ? null : Path.of(encoder);
    } else {
      recipe = Recipes.fashionMnistLinearProbe();
      if (epochs != null) {
        recipe = RecipeArgument.withEpochs(recipe, recipe.toBuilder(), epochs);
      }
      recipe = recipe.withNumClasses(options.numClasses());
      if (augment) {
        recipe = recipe.withAugmentation(Augmentation.linearProbe());
      }
    }
    Map<String, String> settings = new LinkedHashMap<>();
    options.saveDataSettings(settings);
    settings.put("cls_token", Boolean.toString(clsToken));
    settings.put("encoder_checkpoint",
        options.checkpoint == null ? "" : options.checkpoint.toAbsolutePath().normalize().toString());
    RunDirectory dir = run.directory(settings);
    EncoderWeights w = EncoderWeights.load(options.checkpoint, recipe.getModel());
    LabeledImages train = options.data(FashionMnist.Split.TRAIN, w.model(), recipe);
    LabeledImages test = options.data(FashionMnist.Split.TEST, w.model(), recipe);
    int total = recipe.getEpochs();
    Pooling pooling = clsToken ? Pooling.CLS_TOKEN : Pooling.AVERAGE;
    try (VitClassifier m = DownstreamOptions.frozenEncoder(w, options.numClasses(), pooling)) {
      boolean augmented = !new RandomCropFlip(recipe.getAugmentation(), w.model().getImageSize()).isIdentity();
      Tensor testF = DownstreamOptions.features(m, test);
      try (LinearProbe probe = new LinearProbe(m.embedDim(), options.numClasses(), recipe.isHeadBatchNorm(),
          recipe.getSeed())) {
        Consumer<EpochStats> log = e -> DownstreamOptions.log(String.format(Locale.ROOT,
            "epoch %d/%d loss %.4f lr %.3g test top-1 %.2f %%", e.epoch(), total, e.trainLoss(), e.learningRate(),
            100 * e.testTop1()));
        RunResult r = augmented
            ? probe.trainAugmented(recipe, m, train, testF, test.labels(), log, dir)
            : probe.train(recipe, DownstreamOptions.features(m, train), train.labels(), testF, test.labels(), log,
                dir);
        spec.commandLine().getOut().println(options.json
            ? String.format(Locale.ROOT, "{\"top1\": %.4f, \"top5\": %.4f, \"epochs\": %d, \"seconds\": %.1f}",
                r.top1(), r.top5(), r.epochs().size(), r.seconds())
            : String.format(Locale.ROOT, "linear probe: top-1 %.2f %%, top-5 %.2f %% after %d epochs (%.1f s)",
                100 * r.top1(), 100 * r.top5(), r.epochs().size(), r.seconds()));
      }
    }
    return 0;
  }
}

package io.github.mae4j.samples.cli;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.torch.nn.Reconstruction;
import io.github.mae4j.torch.train.ReconstructionRun;
import io.github.mae4j.torch.weights.ChannelAdaptation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mae reconstruct}: the paper's Figure 2 for any checkpoint. */
@Command(name = "reconstruct", mixinStandardHelpOptions = true,
    description = {"Draw a reconstruction grid (original | masked | reconstruction | + visible) from a checkpoint:",
        "a mae4j checkpoint (*.ckpt or a run directory), an official MAE .pth (give --model) or a Hugging Face",
        "ViTMAE directory (config.json + model.safetensors: it names its model).",
        "Example: mae reconstruct --checkpoint runs/quickstart-x --out grid.png"})
final class ReconstructCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, paramLabel = "FILE",
      description = "A mae4j checkpoint (*.ckpt), a run directory, an official MAE .pth file or a Hugging Face "
          + "ViTMAE directory.")
  Path checkpoint;

  @Option(names = "--images", paramLabel = "DIR", description = "A folder of images to reconstruct.")
  @Nullable Path images;

  @Option(names = "--data", paramLabel = "SOURCE",
      description = "synthetic or fashion-mnist (held-out test split) instead of --images "
          + "(default: the run's data, else synthetic).")
  @Nullable String data;

  @Option(names = "--out", required = true, paramLabel = "PNG", description = "The grid PNG to write.")
  Path out;

  @Option(names = "--count", paramLabel = "N", description = "Images (rows), default 8.")
  int count = 8;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the masks (default 0).")
  long seed;

  @Option(names = "--mask-ratio", paramLabel = "R", description = "Fraction of patches removed (default: the model's).")
  @Nullable Double maskRatio;

  @Option(names = "--model", paramLabel = "NAME",
      description = "For official .pth files: vit-b16, vit-l16 or vit-h14, or a recipe name/file (default vit-l16).")
  String model = "vit-l16";

  @Option(names = "--norm-pix-loss", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "For official .pth files: the model was trained on normalized pixels (the released "
          + "visualization checkpoints were not; default false).")
  boolean normPixLoss;

  @Option(names = "--patch-stats", paramLabel = "S",
      description = "For normalized-pixel models: map predictions to pixels with each patch's own mean/variance "
          + "(target, default, as MAE visualizations do; the grid is then titled \"recon, true stats\": that brightness and "
          + "contrast come from the image, not the model) or with the visible patches' only (visible).")
  String patchStats = "target";

  @Option(names = "--adapt-channels", paramLabel = "mean|repeat",
      description = "Adapt an official .pth or Hugging Face checkpoint of another channel count to --model's "
          + "(as timm's adapt_input_conv; the decoder's output too); without it such a checkpoint is refused.")
  @Nullable String adaptChannels;

  @Option(names = "--device", paramLabel = "DEVICE", description = "cpu or cuda[:N] (default cpu).")
  String device = "cpu";

  @Override
  public Integer call() throws Exception {
    Reconstruction.PatchStatistics stats = switch (patchStats) {
      case "target" -> Reconstruction.PatchStatistics.TRUE_ORACLE;
      case "visible" -> Reconstruction.PatchStatistics.VISIBLE;
      default -> throw new IllegalArgumentException("--patch-stats must be target or visible, got " + patchStats);
    };
    if (count < 1) {
      throw new IllegalArgumentException("--count must be >= 1, got " + count);
    }
    ReconstructionRun.Result r = ReconstructionRun.of(checkpoint,
            ReconstructionRun.namesItsModel(checkpoint) ? null : officialRecipe(), out)
        .withSource(images != null ? images.toString() : data).withCount(count, seed).withMaskRatio(maskRatio)
        .withStats(stats, device)
        .withAdaptChannels(adaptChannels == null ? null : ChannelAdaptation.parse(adaptChannels))
        .run(System.err::println);
    System.out.println("wrote " + out.toAbsolutePath() + " (" + count + " images from " + r.source()
        + ", model from " + r.model() + ")");
    return 0;
  }

  /** The model of an official checkpoint: a ViT preset (or a recipe's model) with ImageNet statistics. */
  private PretrainRecipe officialRecipe() {
    PretrainRecipe given = switch (model) {
      case "vit-b16", "vit-l16", "vit-h14" -> null;
      default -> RecipeArgument.pretrain(model);
    };
    MaeConfig config = switch (model) {
      case "vit-b16" -> MaeConfig.vitB16();
      case "vit-l16" -> MaeConfig.vitL16();
      case "vit-h14" -> MaeConfig.vitH14();
      default -> given.getModel();
    };
    // ImageNet statistics for RGB models; a recipe of another channel count keeps its own
    Normalization n = given != null && config.getInChannels() != 3 ? given.getNormalization()
        : Normalization.imagenet();
    return PretrainRecipe.builder().name("official").model(config.withNormPixLoss(normPixLoss))
        .normalization(n).build();
  }
}

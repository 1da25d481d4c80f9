package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downstream verbs on labelled image folders (--train-dir / --val-dir). */
class DownstreamFoldersTest {
  private final CliHarness cli = new CliHarness();

  @TempDir Path dir;

  private int run(String... args) {
    return cli.run(args);
  }

  /** {@code n} noisy PNGs per class: "dark" around grey 30, "light" around grey 220; sizes vary. */
  private Path folder(String name, int n, String... classes) throws IOException {
    SplittableRandom r = new SplittableRandom(name.hashCode());
    Path root = dir.resolve(name);
    for (String c : classes) {
      Files.createDirectories(root.resolve(c));
      int base = c.equals("dark") ? 30 : 220;
      for (int i = 0; i < n; i++) {
        int w = 28 + r.nextInt(12);
        BufferedImage img = new BufferedImage(w, 32, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < w; x++) {
            int v = Math.max(0, Math.min(255, base + r.nextInt(-25, 26)));
            img.getRaster().setSample(x, y, 0, v);
          }
        }
        ImageIO.write(img, "png", root.resolve(c + "/" + i + ".png").toFile());
      }
    }
    return root;
  }

  @Test
  void shards_thenKnnOnShards_givesWhatTheFoldersGive() throws Exception {
    Path train = folder("train", 4, "dark", "light");
    Path val = folder("val", 3, "dark", "light");
    assertThat(run("shards", train.toString(), "--out", dir.resolve("st").toString(), "--per-shard", "3"))
        .as(cli.err()).isEqualTo(0);
    String trainShards = dir.resolve("st/shard-{000000..000002}.tar").toString();
    assertThat(cli.out()).contains("wrote 8 images of 2 classes into 3 shard(s): " + trainShards);
    assertThat(Files.readAllLines(dir.resolve("st/classes.txt"))).containsExactly("dark", "light");
    assertThat(run("shards", val.toString(), "--out", dir.resolve("sv").toString(), "--per-shard", "100"))
        .isEqualTo(0);
    cli.out.getBuffer().setLength(0);
    assertThat(run("knn", "--train-dir", trainShards, "--val-dir", dir.resolve("sv/shard-000000.tar").toString(),
        "--k", "3", "--json")).as(cli.err()).isEqualTo(0);
    JsonNode j = new ObjectMapper().readTree(cli.out());
    assertThat(j.get("train").asInt()).isEqualTo(8);
    assertThat(j.get("test").asInt()).isEqualTo(6);
    assertThat(j.get("top1").asDouble()).isEqualTo(1.0);
    Path npy = dir.resolve("f.npy");
    assertThat(run("features", "--images", trainShards, "--out", npy.toString(), "--labels-out",
        dir.resolve("l.npy").toString())).as(cli.err()).isEqualTo(0);
    assertThat(new String(Files.readAllBytes(npy), java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains("'shape': (8, ");
    assertThat(run("shards", "--help")).isEqualTo(0);
    assertThat(cli.out()).contains("--per-shard", "--out", "--seed");
  }

  @Test
  void knn_labelledFolders_readsBothAndSeparatesTwoObviousClasses() throws Exception {
    Path train = folder("train", 4, "dark", "light");
    Path val = folder("val", 3, "dark", "light");
    assertThat(run("knn", "--train-dir", train.toString(), "--val-dir", val.toString(), "--k", "3", "--json"))
        .as(cli.err()).isEqualTo(0);
    JsonNode j = new ObjectMapper().readTree(cli.out());
    assertThat(j.get("train").asInt()).isEqualTo(8);
    assertThat(j.get("test").asInt()).isEqualTo(6);
    // even a random encoder's features tell a dark image from a light one
    assertThat(j.get("top1").asDouble()).isEqualTo(1.0);
  }

  @Test
  void linprobeAndFinetune_labelledFolders_trainAndReportAccuracy() throws Exception {
    // fine-tuning needs one effective batch (128 images) of training data
    Path train = folder("train", 64, "dark", "light");
    Path val = folder("val", 3, "dark", "light");
    for (String verb : new String[] {"linprobe", "finetune"}) {
      cli.out.getBuffer().setLength(0);
      assertThat(run(verb, "--train-dir", train.toString(), "--val-dir", val.toString(), "--epochs", "2", "--json"))
          .as(verb + ": " + cli.err()).isEqualTo(0);
      JsonNode j = new ObjectMapper().readTree(cli.out());
      assertThat(j.get("top1").asDouble()).as(verb).isBetween(0.0, 1.0);
      assertThat(j.get("epochs").asInt()).as(verb).isEqualTo(2);
    }
  }

  @Test
  void linprobeAndFinetune_elevenClassFolders_headFitsTheFoldersAndResumeReadsThemAgain() throws Exception {
    String[] classes = new String[11];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = "c" + (char) ('a' + i);
    }
    // 132 images: one effective fine-tuning batch (128)
    Path train = folder("train", 12, classes);
    Path val = folder("val", 1, classes);
    for (String verb : new String[] {"linprobe", "finetune"}) {
      Path out = dir.resolve(verb + "-run");
      cli.out.getBuffer().setLength(0);
      assertThat(run(verb, "--train-dir", train.toString(), "--val-dir", val.toString(), "--epochs", "2",
          "--output", out.toString(), "--json")).as(verb + ": " + cli.err()).isEqualTo(0);
      JsonNode first = new ObjectMapper().readTree(cli.out());
      assertThat(first.get("epochs").asInt()).as(verb).isEqualTo(2);
      // a head of Fashion-MNIST's 10 classes would not load the checkpoint's 11-class head
      cli.out.getBuffer().setLength(0);
      assertThat(run(verb, "--resume", out.toString(), "--json")).as(verb + " resume: " + cli.err()).isEqualTo(0);
      JsonNode resumed = new ObjectMapper().readTree(cli.out());
      assertThat(resumed.get("top1").asDouble()).as(verb).isEqualTo(first.get("top1").asDouble());
      assertThat(resumed.get("top5").asDouble()).as(verb).isEqualTo(first.get("top5").asDouble());
    }
  }

  @Test
  void linprobe_augment_recomputesFeaturesOfCropsAndResumesToTheSameAccuracy() throws Exception {
    Path train = folder("train", 16, "dark", "light");
    Path val = folder("val", 3, "dark", "light");
    Path out = dir.resolve("lp-aug");
    assertThat(run("linprobe", "--train-dir", train.toString(), "--val-dir", val.toString(), "--epochs", "2",
        "--augment", "--output", out.toString(), "--json")).as(cli.err()).isEqualTo(0);
    JsonNode first = new ObjectMapper().readTree(cli.out());
    assertThat(first.get("epochs").asInt()).isEqualTo(2);
    assertThat(first.get("top1").asDouble()).isBetween(0.0, 1.0);
    // the recorded recipe carries the crop and flip, so a resumed run keeps augmenting
    assertThat(Files.readString(out.resolve("checkpoint-last.ckpt"), java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains("cropScaleMin");
    cli.out.getBuffer().setLength(0);
    assertThat(run("linprobe", "--resume", out.toString(), "--json")).as(cli.err()).isEqualTo(0);
    assertThat(new ObjectMapper().readTree(cli.out()).get("top1").asDouble()).isEqualTo(first.get("top1").asDouble());
    assertThat(run("linprobe", "--resume", out.toString(), "--augment")).isEqualTo(2);
  }

  @Test
  void knn_foldersWithDifferentClasses_exits2NamingBoth() throws Exception {
    Path train = folder("train", 1, "dark", "light");
    Path val = folder("val", 1, "dark", "medium", "light");
    assertThat(run("knn", "--train-dir", train.toString(), "--val-dir", val.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("2 classes [dark, light]", "3 classes [dark, light, medium]");
  }

  @Test
  void knn_onlyTrainDir_exits2AskingForBoth() throws Exception {
    Path train = folder("train", 1, "dark", "light");
    assertThat(run("knn", "--train-dir", train.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("give both a training and a validation folder (--train-dir and --val-dir");
  }

  @Test
  void knn_emptyValFolder_exits2NamingIt() throws Exception {
    Path train = folder("train", 1, "dark", "light");
    Path val = Files.createDirectories(dir.resolve("val/dark"));
    assertThat(run("knn", "--train-dir", train.toString(), "--val-dir", val.getParent().toString())).isEqualTo(2);
    assertThat(cli.err()).contains("no JPEG/PNG images", val.getParent().toString());
  }

  @Test
  void features_trainDir_exits2PointingToImages() throws Exception {
    Path train = folder("train", 1, "dark");
    assertThat(run("features", "--train-dir", train.toString(), "--val-dir", train.toString(), "--out",
        dir.resolve("f.npy").toString())).isEqualTo(2);
    assertThat(cli.err()).contains("--images DIR");
  }

  @Test
  void pretrainThenLinprobeAndFinetune_nonSquare28x20Folders_runEndToEnd() throws Exception {
    Path train = folder("train-ns", 64, "dark", "light");
    Path val = folder("val-ns", 3, "dark", "light");
    var recipe = io.github.mae4j.api.recipe.PretrainRecipe.builder().name("gray-28x20")
        .model(io.github.mae4j.api.MaeConfig.builder().imageSize(28).imageWidth(20).patchSize(4).inChannels(1)
            .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
            .build())
        .epochs(1).warmupEpochs(0).imagesPerEpoch(16).effectiveBatchSize(8).batchSizePerStep(8)
        .normalization(io.github.mae4j.api.recipe.Normalization.fashionMnist()).build();
    Path file = dir.resolve("gray-28x20.json");
    Files.writeString(file, io.github.mae4j.api.recipe.RecipeIo.toJson(recipe));
    Path runDir = dir.resolve("pretrained-28x20");
    assertThat(run("pretrain", file.toString(), "--data", train.toString(), "--out", runDir.toString(),
        "--workers", "1")).as(cli.err()).isEqualTo(0);
    for (String verb : new String[] {"linprobe", "finetune"}) {
      cli.out.getBuffer().setLength(0);
      assertThat(run(verb, "--checkpoint", runDir.toString(), "--train-dir", train.toString(), "--val-dir",
          val.toString(), "--epochs", "1", "--json"))
          .as(verb + ": " + cli.err()).isEqualTo(0);
      JsonNode j = new ObjectMapper().readTree(cli.out());
      // the classifier takes only [N, 1, 28, 20]: the folders were cropped to the encoder's non-square size
      assertThat(j.get("top1").asDouble()).as(verb).isBetween(0.0, 1.0);
      assertThat(j.get("epochs").asInt()).as(verb).isEqualTo(1);
    }
  }
}

package io.github.mae4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.api.recipe.PretrainRecipe;
import io.github.mae4j.api.recipe.RecipeIo;
import io.github.mae4j.torch.run.MetricsLog;
import io.github.mae4j.torch.run.MetricsRecord;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 13-band (Sentinel-2-like) folders end to end through the command line: {@code mae stats --channels 13},
 * {@code mae pretrain} with a 13-channel recipe and {@code --normalization measured}, {@code mae finetune} and
 * {@code mae features} from its checkpoint, on class folders of uint16 TIFFs and .npy files.
 */
class MultispectralFoldersTest {
  private static final int BANDS = 13;
  private static final int SIZE = 16;

  private final CliHarness cli = new CliHarness();

  @TempDir Path dir;

  /** Generic n-component color space: what lets javax.imageio write an n-sample TIFF. */
  private static final class Bands extends ColorSpace {
    Bands(int n) {
      super(ColorSpace.TYPE_2CLR + n - 2, n);
    }

    @Override
    public float[] toRGB(float[] v) {
      return new float[3];
    }

    @Override
    public float[] fromRGB(float[] v) {
      return new float[getNumComponents()];
    }

    @Override
    public float[] toCIEXYZ(float[] v) {
      return new float[3];
    }

    @Override
    public float[] fromCIEXYZ(float[] v) {
      return new float[getNumComponents()];
    }
  }

  /** Class "water" is dark in the infrared bands (8–12), "crop" bright; uint16 reflectance × 10000 with noise. */
  private static int value(String cls, int band, SplittableRandom r) {
    int base = band < 8 ? 800 + band * 100 : cls.equals("water") ? 300 : 4000;
    return base + r.nextInt(-150, 151);
  }

  /** n files per class, alternately a 13-band TIFF and a C×H×W uint16 .npy. */
  private Path folder(String name, int n) throws IOException {
    SplittableRandom r = new SplittableRandom(name.hashCode());
    Path root = dir.resolve(name);
    ComponentColorModel cm = new ComponentColorModel(new Bands(BANDS), false, false, Transparency.OPAQUE,
        DataBuffer.TYPE_USHORT);
    for (String cls : List.of("crop", "water")) {
      Files.createDirectories(root.resolve(cls));
      for (int i = 0; i < n; i++) {
        if (i % 2 == 0) {
          WritableRaster raster = cm.createCompatibleWritableRaster(SIZE, SIZE);
          for (int b = 0; b < BANDS; b++) {
            for (int y = 0; y < SIZE; y++) {
              for (int x = 0; x < SIZE; x++) {
                raster.setSample(x, y, b, value(cls, b, r));
              }
            }
          }
          assertThat(ImageIO.write(new BufferedImage(cm, raster, false, null), "tiff",
              root.resolve(cls + "/" + i + ".tif").toFile())).isTrue();
        } else {
          String header = "{'descr': '<u2', 'fortran_order': False, 'shape': (" + BANDS + ", " + SIZE + ", " + SIZE
              + "), }\n";
          ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + 2 * BANDS * SIZE * SIZE)
              .order(ByteOrder.LITTLE_ENDIAN);
          buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length())
              .put(header.getBytes(StandardCharsets.ISO_8859_1));
          for (int b = 0; b < BANDS; b++) {
            for (int k = 0; k < SIZE * SIZE; k++) {
              buf.putShort((short) value(cls, b, r));
            }
          }
          Files.write(root.resolve(cls + "/" + i + ".npy"), buf.array());
        }
      }
    }
    return root;
  }

  private Path recipe(int channels) throws IOException {
    PretrainRecipe recipe = PretrainRecipe.builder().name("s2-tiny")
        .model(MaeConfig.builder().imageSize(SIZE).patchSize(4).inChannels(channels)
            .encoder(e -> e.embedDim(16).depth(1).numHeads(2)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
            .build())
        .epochs(1).warmupEpochs(0).imagesPerEpoch(16).effectiveBatchSize(8).batchSizePerStep(8)
        .normalization(Normalization.identity(channels)).build();
    Path file = dir.resolve("s2-tiny-" + channels + ".json");
    Files.writeString(file, RecipeIo.toJson(recipe));
    return file;
  }

  @Test
  void statsPretrainFinetuneFeatures_thirteenBandFolders_runEndToEnd() throws Exception {
    Path train = folder("train", 64); // fine-tuning needs one effective batch (128 images)
    Path val = folder("val", 3);

    assertThat(cli.run("stats", train.toString(), "--channels", "13", "--json")).as(cli.err()).isEqualTo(0);
    JsonNode stats = new ObjectMapper().readTree(cli.out());
    assertThat(stats.get("mean")).hasSize(BANDS);
    assertThat(stats.get("images").asInt()).isEqualTo(128);
    // band 0 is 800 ± 150 in every file: reflectance 0.08
    assertThat(stats.get("mean").get(0).asDouble()).isBetween(0.0790, 0.0810);
    // band 12 is half water (0.03), half crop (0.40)
    assertThat(stats.get("mean").get(12).asDouble()).isBetween(0.2100, 0.2200);
    assertThat(stats.get("std").get(12).asDouble()).isBetween(0.18, 0.19);

    Path runDir = dir.resolve("run");
    cli.err.getBuffer().setLength(0);
    assertThat(cli.run("pretrain", recipe(BANDS).toString(), "--data", train.toString(),
        "--normalization", "measured", "--out", runDir.toString(), "--workers", "1", "--log-every", "1"))
        .as(cli.err()).isEqualTo(0);
    // the run's recipe holds the 13 bands' measured statistics, as 'mae stats' gave them (rounded to 4 decimals)
    PretrainRecipe ran = RecipeIo.fromJson(Files.readString(runDir.resolve("recipe.json")), PretrainRecipe.class);
    assertThat(ran.getNormalization().getMean()).hasSize(BANDS);
    assertThat(ran.getNormalization().getMean()[12]).isCloseTo(stats.get("mean").get(12).asDouble(),
        org.assertj.core.api.Assertions.within(1e-4));
    assertThat(ran.getNormalization().getStd()[0]).isCloseTo(stats.get("std").get(0).asDouble(),
        org.assertj.core.api.Assertions.within(1e-4));
    assertThat(runDir.resolve("reconstruction.png")).exists();
    List<MetricsRecord> iterations = MetricsLog.read(runDir.resolve("metrics.jsonl")).stream()
        .filter(MetricsRecord::isIteration).toList();
    assertThat(iterations).hasSize(2); // 16 images, batch 8
    assertThat(iterations).allSatisfy(m -> assertThat(m.loss()).isFinite().isPositive());

    for (String verb : new String[] {"finetune", "linprobe"}) {
      cli.out.getBuffer().setLength(0);
      assertThat(cli.run(verb, "--checkpoint", runDir.toString(), "--train-dir", train.toString(), "--val-dir",
          val.toString(), "--epochs", "1", "--output", dir.resolve(verb).toString(), "--json"))
          .as(verb + ": " + cli.err()).isEqualTo(0);
      JsonNode j = new ObjectMapper().readTree(cli.out());
      assertThat(j.get("top1").asDouble()).as(verb).isBetween(0.0, 1.0);
      assertThat(j.get("epochs").asInt()).as(verb).isEqualTo(1);
    }

    // fine-tuning normalized the 13 bands with the pretraining's measured statistics (its recipe is 3-channel)
    assertThat(Files.readString(dir.resolve("finetune/checkpoint-last.ckpt"), StandardCharsets.ISO_8859_1))
        .contains(Double.toString(ran.getNormalization().getMean()[12]))
        .contains(Double.toString(ran.getNormalization().getStd()[12]));

    Path features = dir.resolve("f.npy");
    Path labels = dir.resolve("l.npy");
    assertThat(cli.run("features", "--checkpoint", runDir.toString(), "--images", val.toString(), "--out",
        features.toString(), "--labels-out", labels.toString())).as(cli.err()).isEqualTo(0);
    String header = new String(Files.readAllBytes(features), StandardCharsets.ISO_8859_1);
    assertThat(header).contains("'shape': (6, 16)"); // 6 images, embedDim 16
    assertThat(new String(Files.readAllBytes(labels), StandardCharsets.ISO_8859_1)).contains("'shape': (6,)");
  }

  @Test
  void pretrain_imagenetStatisticsOnThirteenBands_exits2NamingTheChannels() throws Exception {
    Path train = folder("train", 2);
    assertThat(cli.run("pretrain", recipe(BANDS).toString(), "--data", train.toString(),
        "--normalization", "imagenet", "--out", dir.resolve("r").toString())).isEqualTo(2);
    assertThat(cli.err()).contains("--normalization imagenet", "13 channel(s)", "--normalization measured");
  }

  @Test
  void pretrain_thirteenBandRecipeOnTwelveBandFiles_failsNamingFileFoundAndExpected() throws Exception {
    Path train = folder("train", 8);
    Path recipe = recipe(12);
    assertThat(cli.run("pretrain", recipe.toString(), "--data", train.toString(), "--out",
        dir.resolve("r").toString(), "--workers", "1")).isNotEqualTo(0);
    assertThat(cli.err()).contains(train.toString(), "has 13 channel(s)", "the model expects 12");
  }
}

package io.github.mae4j.torch.downstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.api.recipe.LinearProbeRecipe;
import io.github.mae4j.api.recipe.Normalization;
import io.github.mae4j.torch.data.FashionMnist;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The labelled data of a downstream run: recorded and restored, and refused with a clear message. */
class DownstreamDataTest {
  @TempDir Path dir;

  @Test
  void saveTo_thenFromSettings_restoresAbsoluteFoldersAndLimits() {
    Map<String, String> s = new LinkedHashMap<>();
    DownstreamData.folders(dir.resolve("a/../train"), dir.resolve("val"), 12, 5).saveTo(s);
    assertThat(s).containsExactly(Map.entry("train_limit", "12"), Map.entry("test_limit", "5"),
        Map.entry("train_dir", dir.resolve("train").toString()), Map.entry("val_dir", dir.resolve("val").toString()));
    DownstreamData back = DownstreamData.fromSettings(s);
    assertThat(back.usesFolders()).isTrue();
    assertThat(back.trainLimit()).isEqualTo(12);
    assertThat(back.testLimit()).isEqualTo(5);
    Map<String, String> again = new LinkedHashMap<>();
    back.saveTo(again);
    assertThat(again).isEqualTo(s);
  }

  @Test
  void fromSettings_ofARunWithoutFolders_isAllOfFashionMnist() throws Exception {
    DownstreamData d = DownstreamData.fromSettings(Map.of());
    assertThat(d.usesFolders()).isFalse();
    assertThat(d.trainLimit()).isZero();
    assertThat(d.numClasses()).isEqualTo(10);
  }

  @Test
  void numClasses_onlyOneFolder_namesTheMissingOption() {
    assertThatThrownBy(() -> DownstreamData.folders(dir, null, 0, 0).numClasses())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("give both a training and a validation folder (--train-dir and "
            + "--val-dir; DownstreamData.folders(train, val, …)), got only the training folder " + dir);
  }

  @Test
  void load_fashionMnistWithAnRgbModel_saysWhatTheModelExpects() {
    MaeConfig rgb = MaeConfig.builder().imageSize(32).patchSize(4).build();
    assertThatThrownBy(() -> DownstreamData.fashionMnist(4, 4).load(FashionMnist.Split.TEST, rgb,
        LinearProbeRecipe.builder().name("x").build(), s -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Fashion-MNIST is 28×28 with 1 channel, the model expects 32×32 with 3 channel(s)");
  }

  @Test
  void normalizationFor_recipeStatisticsOfAnotherChannelCount_fallsBackToImagenetOrNone() {
    MaeConfig one = MaeConfig.builder().imageSize(28).patchSize(4).inChannels(1).build();
    LinearProbeRecipe gray = LinearProbeRecipe.builder().name("g").model(one)
        .normalization(Normalization.fashionMnist()).build();
    MaeConfig rgb = MaeConfig.builder().imageSize(32).patchSize(4).build();
    assertThat(DownstreamData.normalizationFor(gray, rgb)).isEqualTo(Normalization.imagenet());
    assertThat(DownstreamData.normalizationFor(gray, one)).isEqualTo(Normalization.fashionMnist());
    LinearProbeRecipe rgbRecipe = LinearProbeRecipe.builder().name("c").model(rgb).build();
    assertThat(DownstreamData.normalizationFor(rgbRecipe, one)).isEqualTo(Normalization.identity(1));
  }

  @Test
  void normalizationFor_thirteenBandEncoder_usesItsPretrainingStatisticsNeverImagenet() {
    MaeConfig s2 = MaeConfig.builder().imageSize(16).patchSize(4).inChannels(13).build();
    LinearProbeRecipe rgbRecipe = LinearProbeRecipe.builder().name("c")
        .model(MaeConfig.builder().imageSize(32).patchSize(4).build()).build();
    double[] mean = new double[13];
    double[] std = new double[13];
    java.util.Arrays.setAll(mean, i -> 0.1 + i / 100.0);
    java.util.Arrays.setAll(std, i -> 0.05 + i / 1000.0);
    Normalization measured = Normalization.of(mean, std);
    assertThat(DownstreamData.normalizationFor(rgbRecipe, s2, java.util.Optional.of(measured))).isEqualTo(measured);
    assertThat(DownstreamData.normalizationFor(rgbRecipe, s2, java.util.Optional.empty()))
        .isEqualTo(Normalization.identity(13));
    // statistics of another channel count (an RGB pretraining) are not used either
    assertThat(DownstreamData.normalizationFor(rgbRecipe, s2, java.util.Optional.of(Normalization.imagenet())))
        .isEqualTo(Normalization.identity(13));
  }

  @Test
  void limits_negative_areRefused() {
    assertThatThrownBy(() -> DownstreamData.fashionMnist(-1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}

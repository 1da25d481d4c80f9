package io.github.mae4j.torch.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.train.CheckpointFile;
import io.github.mae4j.torch.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What downstream runs read of a pretraining checkpoint equals what the trainer wrote. */
class PretrainCheckpointFileTest {
  @TempDir Path dir;

  private static TrainingCheckpoint checkpoint() {
    byte[] w = new byte[4 * 6];
    java.util.Arrays.fill(w, (byte) 3);
    return new TrainingCheckpoint(3, 0, 12, 12, 1.5, 2, 0.25,
        Map.of("w", new TensorData("Float", new long[] {2, 3}, w)), new byte[] {1, 2, 3}, new byte[] {9, 8},
        1.0, 0, "{\"name\":\"toy\"}", "{\"device\":\"cpu\"}", Map.of("mae4j", "dev"));
  }

  @Test
  void readWeights_ofAFileAndOfItsRunDirectory_returnModelEpochRecipeAndSettings() throws IOException {
    Path file = dir.resolve("checkpoint-last.ckpt");
    CheckpointFile.write(checkpoint(), file);
    for (Path p : new Path[] {file, dir}) {
      PretrainCheckpointFile.Weights w = PretrainCheckpointFile.readWeights(p);
      assertThat(w.file()).isEqualTo(file);
      assertThat(w.epoch()).isEqualTo(3);
      // the same JSON the trainer reads back
      assertThat(w.recipeJson()).contains("\"toy\"").isEqualTo(CheckpointFile.read(file).recipeJson());
      assertThat(w.settingsJson()).contains("\"cpu\"").isEqualTo(CheckpointFile.read(file).settingsJson());
      assertThat(w.model()).containsOnlyKeys("w");
      assertThat(w.model().get("w").shape()).containsExactly(2, 3);
      assertThat(w.model().get("w").bytes()).containsOnly(3);
    }
  }

  @Test
  void isCheckpoint_trueForACheckpointOnly() throws IOException {
    Path file = dir.resolve("c.ckpt");
    CheckpointFile.write(checkpoint(), file);
    Path other = Files.write(dir.resolve("x.pth"), new byte[] {'P', 'K', 3, 4});
    assertThat(PretrainCheckpointFile.isCheckpoint(file)).isTrue();
    assertThat(CheckpointFile.isCheckpoint(file)).isTrue();
    assertThat(PretrainCheckpointFile.isCheckpoint(other)).isFalse();
    assertThat(PretrainCheckpointFile.isCheckpoint(dir)).isFalse();
    assertThat(CheckpointFile.FORMAT).isEqualTo(PretrainCheckpointFile.FORMAT).isEqualTo("mae4j-checkpoint");
  }

  @Test
  void readWeights_ofAnotherFile_namesIt() throws IOException {
    Path other = Files.write(dir.resolve("x.ckpt"), new byte[] {'P', 'K', 3, 4});
    assertThatThrownBy(() -> PretrainCheckpointFile.readWeights(other)).isInstanceOf(IOException.class)
        .hasMessageContaining("x.ckpt");
  }
}

package io.github.mae4j.torch.downstream.aug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.util.Optional;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class RandomErasingTest {
  @Test
  void sampleRegion_always_areaAndAspectWithinBoundsAndInside() {
    Torch.load();
    RandomErasing re = new RandomErasing(1.0, new SplittableRandom(5), torch.createCPUGenerator(0));
    int found = 0;
    for (int i = 0; i < 500; i++) {
      Optional<RandomErasing.Region> r = re.sampleRegion(32, 32);
      if (r.isEmpty()) {
        continue;
      }
      found++;
      RandomErasing.Region g = r.get();
      double frac = g.height() * g.width() / 1024.0;
      // rounding the sides moves the area a little around [0.02, 1/3]
      assertThat(frac).isBetween(0.01, 0.40);
      assertThat(g.top() + g.height()).isLessThanOrEqualTo(32);
      assertThat(g.left() + g.width()).isLessThanOrEqualTo(32);
      assertThat((double) g.height() / g.width()).isBetween(0.2, 5.0);
    }
    assertThat(found).isGreaterThan(450);
  }

  @Test
  void apply_probabilityOne_changesExactlyOneRectanglePerImage() {
    Torch.load();
    RandomErasing re = new RandomErasing(1.0, new SplittableRandom(9), torch.createCPUGenerator(1));
    float[] out = Tensors.toFloatArray(re.apply(Tensors.zeros(4, 2, 16, 16).add(Tensors.scalar(100))));
    for (int img = 0; img < 4; img++) {
      int minY = 99, maxY = -1, minX = 99, maxX = -1, changed = 0;
      for (int c = 0; c < 2; c++) {
        for (int y = 0; y < 16; y++) {
          for (int x = 0; x < 16; x++) {
            if (out[((img * 2 + c) * 16 + y) * 16 + x] != 100f) {
              changed++;
              minY = Math.min(minY, y);
              maxY = Math.max(maxY, y);
              minX = Math.min(minX, x);
              maxX = Math.max(maxX, x);
            }
          }
        }
      }
      // every pixel of the bounding box, in both channels, was replaced by noise
      assertThat(changed).isEqualTo(2 * (maxY - minY + 1) * (maxX - minX + 1));
    }
  }

  @Test
  void apply_probabilityZero_returnsInput() {
    Torch.load();
    var x = Tensors.zeros(1, 1, 4, 4);
    assertThat(new RandomErasing(0, new SplittableRandom(1), torch.createCPUGenerator(1)).apply(x)).isSameAs(x);
    assertThatThrownBy(() -> new RandomErasing(1.5, new SplittableRandom(1), torch.createCPUGenerator(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1.5)");
  }

  @Test
  void apply_noiseIsStandardNormal() {
    Torch.load();
    RandomErasing re = new RandomErasing(1.0, new SplittableRandom(2), torch.createCPUGenerator(2));
    float[] out = Tensors.toFloatArray(re.apply(Tensors.zeros(64, 1, 32, 32).add(Tensors.scalar(1000))));
    double sum = 0, sq = 0;
    int n = 0;
    for (float v : out) {
      if (v != 1000f) {
        sum += v;
        sq += v * v;
        n++;
      }
    }
    assertThat(sum / n).isCloseTo(0, within(0.05));
    assertThat(sq / n).isCloseTo(1, within(0.05));
  }
}

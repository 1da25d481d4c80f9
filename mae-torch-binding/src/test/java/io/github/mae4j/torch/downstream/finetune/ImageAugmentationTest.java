package io.github.mae4j.torch.downstream.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.recipe.FinetuneRecipe;
import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.DownstreamRankMainAccess;
import io.github.mae4j.torch.downstream.LabeledImages;
import io.github.mae4j.torch.downstream.TrainingParity;
import io.github.mae4j.torch.downstream.internal.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** An image's crop, flip, RandAugment and erasing depend on (seed, epoch, image index), not on its batch. */
class ImageAugmentationTest {
  @Test
  void apply_sameImageInAnotherBatchOrPosition_augmentedAlike_otherEpochDiffers() {
    Torch.load();
    FinetuneRecipe recipe = DownstreamRankMainAccess.finetuneRecipe();
    LabeledImages data = TrainingParity.toyImages(6, 3, 8, 4, 3);
    try (ImageAugmentation aug = new ImageAugmentation(recipe)) {
      Tensor all = aug.apply(data.images(), new long[] {10, 11, 12, 13, 14, 15}, 2);
      // images 4 and 5 alone, in the other order
      Tensor two = aug.apply(data.images().narrow(0, 4, 2).flip(0), new long[] {15, 14}, 2);
      assertThat(Tensors.toFloatArray(two.select(0, 0).contiguous()))
          .containsExactly(Tensors.toFloatArray(all.select(0, 5).contiguous()));
      assertThat(Tensors.toFloatArray(two.select(0, 1).contiguous()))
          .containsExactly(Tensors.toFloatArray(all.select(0, 4).contiguous()));
      Tensor nextEpoch = aug.apply(data.images(), new long[] {10, 11, 12, 13, 14, 15}, 3);
      assertThat(Tensors.toFloatArray(nextEpoch)).isNotEqualTo(Tensors.toFloatArray(all));
      assertThat(Tensors.toFloatArray(all)).isNotEqualTo(Tensors.toFloatArray(data.images()));
    }
  }
}

package io.github.mae4j.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.internal.TensorData;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class OffHeapBatchTest {

  @Test
  void tensor_valuesWrittenToSegment_areSeenWithoutCopy() {
    try (OffHeapBatch batch = OffHeapBatch.allocate(2, 1, 2, 3)) {
      MemorySegment seg = batch.segment();
      for (int i = 0; i < 12; i++) {
        seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 0.5f);
      }
      Tensor t = batch.tensor();
      assertThat(TensorData.toFloatArray(t)).containsExactly(0f, .5f, 1f, 1.5f, 2f, 2.5f, 3f, 3.5f, 4f, 4.5f, 5f, 5.5f);
      assertThat(t.size(3)).isEqualTo(3);
      assertThat(t.data_ptr().address()).isEqualTo(seg.address());
      // and back: an in-place op on the tensor shows in the segment
      t.mul_(new Scalar(2f));
      assertThat(seg.getAtIndex(ValueLayout.JAVA_FLOAT, 11)).isEqualTo(11f);
      seg.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 42f);
      assertThat(t.flatten().select(0, 0).item_float()).isEqualTo(42f);
      t.close();
    }
  }

  @Test
  void close_batchBeforeTensor_memoryStaysUntilTensorFreed() {
    OffHeapBatch batch = OffHeapBatch.allocate(4, 4);
    batch.segment().setAtIndex(ValueLayout.JAVA_FLOAT, 5, 7f);
    Tensor t = batch.tensor();
    Tensor view = t.reshape(16);
    batch.close();
    batch.close(); // twice is harmless
    assertThat(batch.isMemoryReleased()).isFalse();
    assertThatThrownBy(batch::segment).isInstanceOf(IllegalStateException.class);
    Tensor element = view.select(0, 5); // a view too: holds the storage until closed
    assertThat(element.item_float()).isEqualTo(7f); // still valid memory
    element.close();
    t.close();
    assertThat(batch.isMemoryReleased()).isFalse(); // the view holds the storage
    view.close();
    assertThat(batch.isMemoryReleased()).isTrue();
  }

  @Test
  void close_tensorBeforeBatch_releasesOnBatchClose() {
    OffHeapBatch batch = OffHeapBatch.allocate(3);
    Tensor t = batch.tensor();
    assertThat(t.sum().item_float()).isZero();
    t.close();
    assertThat(batch.isMemoryReleased()).isFalse();
    batch.close();
    assertThat(batch.isMemoryReleased()).isTrue();
  }

  @Test
  void tensor_asModelInput_givesTheSameLossAsACopy() {
    io.github.mae4j.api.MaeConfig config = io.github.mae4j.api.MaeConfig.builder().imageSize(16).patchSize(4)
        .encoder(e -> e.embedDim(32).depth(1).numHeads(4)).decoder(d -> d.embedDim(16).depth(1).numHeads(2))
        .build();
    try (io.github.mae4j.torch.nn.MaskedAutoencoder model = io.github.mae4j.torch.nn.MaskedAutoencoder.create(config, 1);
        OffHeapBatch batch = OffHeapBatch.allocate(2, 3, 16, 16);
        org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
      for (int i = 0; i < 2 * 3 * 16 * 16; i++) {
        batch.segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, (i % 37) / 37f);
      }
      Tensor shared = batch.tensor();
      float viaShared = model.forward(shared, 5L).loss().item_float();
      float viaCopy = model.forward(shared.clone(), 5L).loss().item_float();
      assertThat(viaShared).isEqualTo(viaCopy).isPositive();
    }
  }

  @Test
  void allocate_nonPositiveShape_isRejected() {
    assertThatThrownBy(() -> OffHeapBatch.allocate(2, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[2, 0]");
  }
}

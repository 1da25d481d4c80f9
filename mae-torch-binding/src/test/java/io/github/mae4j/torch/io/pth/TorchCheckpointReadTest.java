package io.github.mae4j.torch.io.pth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchCheckpointReadTest {
  @BeforeAll
  static void load() {
    Torch.load();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mae_full.pth", "mae_encoder.pth", "mae_classifier.pth", "views.pth", "dtypes.pth",
      "training.pth", "deflated.pth", "protocol4.pth"})
  void read_pytorchFixture_everyLeafAndElementMatches(String fixture) throws Exception {
    Object tree = TorchCheckpoint.read(Fixtures.file(fixture));
    try {
      Fixtures.assertTreeMatches(tree, Fixtures.expected(fixture), Set.of());
    } finally {
      TorchCheckpoint.closeTensors(tree);
    }
  }

  @Test
  void readStateDict_officialFullLayout_keysInPyTorchOrderWithShapes() throws Exception {
    LinkedHashMap<String, Tensor> sd = TorchCheckpoint.readStateDict(Fixtures.file("mae_full.pth"), "model");
    List<String> expectedKeys = Fixtures.expected("mae_full.pth").properties().stream()
        .map(Map.Entry::getKey).filter(k -> k.startsWith("model/")).map(k -> k.substring(6)).toList();
    assertThat(sd.keySet()).containsExactlyElementsOf(expectedKeys);
    assertThat(sd).containsKeys("cls_token", "pos_embed", "patch_embed.proj.weight", "blocks.0.attn.qkv.weight",
        "norm.weight", "decoder_embed.weight", "mask_token", "decoder_pos_embed", "decoder_blocks.0.mlp.fc2.bias",
        "decoder_norm.bias", "decoder_pred.weight");
    assertThat(sd.get("pos_embed").sizes().vec().get()).containsExactly(1, 5, 8);
    sd.values().forEach(Tensor::close);
  }

  @Test
  void readStateDict_noKey_findsModelEntry() throws Exception {
    LinkedHashMap<String, Tensor> sd = TorchCheckpoint.readStateDict(Fixtures.file("mae_encoder.pth"), null);
    assertThat(sd).containsKey("blocks.0.norm1.weight").doesNotContainKey("mask_token");
    sd.values().forEach(Tensor::close);
  }

  @Test
  void readStateDict_bareStateDict_isTheFileItself() throws Exception {
    LinkedHashMap<String, Tensor> sd = TorchCheckpoint.readStateDict(Fixtures.file("dtypes.pth"), null);
    assertThat(sd.keySet()).containsExactly("f32", "f16", "bf16", "f64", "i64", "i32", "i16", "i8", "u8", "bool");
    sd.values().forEach(Tensor::close);
  }

  @Test
  void readStateDict_absentKey_namesTheKeysPresent() {
    assertThatThrownBy(() -> TorchCheckpoint.readStateDict(Fixtures.file("mae_full.pth"), "state_dict"))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining("no key 'state_dict'")
        .hasMessageContaining("[model, epoch, args]");
  }

  @Test
  void readStateDict_entryNotATensor_isNamed() {
    assertThatThrownBy(() -> TorchCheckpoint.readStateDict(Fixtures.file("training.pth"), "scaler"))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining("state dict entry 'scale' is Double, not a tensor");
  }

  @Test
  void read_fullCheckpoint_argsNamespaceIsReadAsData() throws Exception {
    Map<?, ?> tree = (Map<?, ?>) TorchCheckpoint.read(Fixtures.file("mae_full.pth"));
    PickleObject args = (PickleObject) tree.get("args");
    assertThat(args.className()).isEqualTo("argparse.Namespace");
    assertThat(args.attributes()).containsEntry("mask_ratio", 0.75).containsEntry("epochs", 400L)
        .containsEntry("norm_pix_loss", true).containsEntry("resume", "");
    PyOrderedDict model = (PyOrderedDict) tree.get("model");
    assertThat(model.attributes()).containsKey("_metadata"); // state_dict()'s version metadata, set by BUILD
    TorchCheckpoint.closeTensors(tree);
  }

  @Test
  void read_views_keepStridesOffsetsAndShareStorage() throws Exception {
    Map<?, ?> tree = (Map<?, ?>) TorchCheckpoint.read(Fixtures.file("views.pth"));
    Tensor base = (Tensor) tree.get("base");
    Tensor transposed = (Tensor) tree.get("transposed");
    Tensor offset = (Tensor) tree.get("offset");
    Tensor strided = (Tensor) tree.get("strided");
    assertThat(transposed.strides().vec().get()).containsExactly(1, 6);
    assertThat(offset.storage_offset()).isEqualTo(6);
    assertThat(strided.strides().vec().get()).containsExactly(6, 2);
    assertThat(((Tensor) tree.get("expanded")).strides().vec().get()).containsExactly(0, 1);
    // one storage, as in PyTorch: writing through the base is seen by its views
    base.fill_(new org.bytedeco.pytorch.Scalar(7.0));
    assertThat(Fixtures.doubles(strided)).containsOnly(7.0);
    assertThat(transposed.data_ptr().address()).isEqualTo(base.data_ptr().address());
    TorchCheckpoint.closeTensors(tree);
  }

  @Test
  @SuppressWarnings("unchecked")
  void read_trainingCheckpoint_optimizerStateLayout() throws Exception {
    Map<?, ?> tree = (Map<?, ?>) TorchCheckpoint.read(Fixtures.file("training.pth"));
    Map<?, ?> optimizer = (Map<?, ?>) tree.get("optimizer");
    Map<Object, Object> state = (Map<Object, Object>) optimizer.get("state");
    assertThat(state.keySet()).allMatch(k -> k instanceof Long).contains(0L);
    assertThat(List.copyOf(((Map<?, ?>) state.get(0L)).keySet())).isEqualTo(List.of("step", "exp_avg", "exp_avg_sq"));
    Map<?, ?> group = (Map<?, ?>) ((List<?>) optimizer.get("param_groups")).getFirst();
    assertThat(group.get("betas")).isEqualTo(List.of(0.9, 0.95));
    assertThat(tree.get("big")).hasToString("1180591620717411303424");
    TorchCheckpoint.closeTensors(tree);
  }
}

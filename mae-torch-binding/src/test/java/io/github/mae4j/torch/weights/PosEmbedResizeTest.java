package io.github.mae4j.torch.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.mae4j.api.MaeConfig;
import io.github.mae4j.torch.downstream.internal.Tensors;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import io.github.mae4j.torch.nn.PosEmbedGrid;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Position embeddings of any grid (square or not) resized to any other, against PyTorch's
 * {@code F.interpolate(bicubic, align_corners=False)} ({@code tools/pos_embed_resize_fixture.py}), and through the
 * loading and conversion of an HF checkpoint whose {@code config.json} says {@code image_size [H, W]}.
 */
class PosEmbedResizeTest {
  @TempDir Path dir;

  record Case(String name, int gh, int gw, int h, int w, int d, float[] in, float[] out) {}

  static List<Case> fixture() throws IOException {
    List<Case> cases = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
        PosEmbedResizeTest.class.getResourceAsStream("pos_embed_resize.txt")), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.startsWith("case ")) {
          continue;
        }
        String[] f = line.split(" ");
        int[] n = Arrays.stream(f, 2, 7).mapToInt(Integer::parseInt).toArray();
        cases.add(new Case(f[1], n[0], n[1], n[2], n[3], n[4], floats(r.readLine()), floats(r.readLine())));
      }
    }
    return cases;
  }

  private static float[] floats(String line) {
    String[] parts = line.strip().split(" ");
    float[] v = new float[parts.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.parseFloat(parts[i]);
    }
    return v;
  }

  @Test
  void positions_anyGridToAnyGrid_equalPytorchBicubicAndKeepTheClsRow() throws IOException {
    List<Case> cases = fixture();
    assertThat(cases).extracting(Case::name).contains("224x160_to_192x256", "10x14_to_7x7", "6x6_to_4x9");
    for (Case c : cases) {
      Tensor cls = torch.full(new long[] {1, 1, c.d()}, new org.bytedeco.pytorch.Scalar(7f));
      Tensor table = torch.cat(new TensorVector(cls, Tensors.floats(c.in(), 1, (long) c.gh() * c.gw(), c.d())), 1);
      List<String> notes = new ArrayList<>();
      Tensor got = WeightFitting.positions("pos_embed", table, new long[] {c.gh(), c.gw()}, c.h(), c.w(), notes);
      assertThat(got.shape()).as(c.name()).containsExactly(1, 1 + (long) c.h() * c.w(), c.d());
      float[] all = Tensors.toFloatArray(got);
      for (int k = 0; k < c.d(); k++) {
        assertThat(all[k]).as(c.name() + " cls").isEqualTo(7f);
      }
      float[] rows = Arrays.copyOfRange(all, c.d(), all.length);
      for (int i = 0; i < rows.length; i++) {
        assertThat(rows[i]).as(c.name() + " value " + i).isCloseTo(c.out()[i], within(1e-5f));
      }
      assertThat(notes).as(c.name()).containsExactly("pos_embed: " + c.gh() + "×" + c.gw() + " → " + c.h() + "×"
          + c.w() + " grid (bicubic)");
      // the same table without its cls slot (timm's no_embed_class) gets a zero row and the same patch rows
      Tensor noCls = WeightFitting.positions("pos_embed", table.narrow(1, 1, (long) c.gh() * c.gw()),
          new long[] {c.gh(), c.gw()}, c.h(), c.w(), new ArrayList<>());
      float[] z = Tensors.toFloatArray(noCls);
      assertThat(Arrays.copyOfRange(z, 0, c.d())).containsOnly(0f);
      assertThat(Arrays.copyOfRange(z, c.d(), z.length)).containsExactly(rows);
    }
  }

  @Test
  void loadAndConvert_nonSquareHfCheckpointIntoAnotherNonSquareModel_resizeFromItsOwnGrid() throws Exception {
    // written at 28×20 px (a 7×5 grid), loaded at 36×16 (9×4): no square grid on either side
    MaeConfig written = AnyChannelCountTest.tiny(3).toBuilder().imageSize(28).imageWidth(20).build();
    MaeConfig wanted = written.toBuilder().imageSize(36).imageWidth(16).build();
    Path hf = dir.resolve("hf");
    Tensor pos;
    Tensor decPos;
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(written, 5)) {
      WeightFiles.write(hf, WeightLayout.HF, mae.stateDict(), written);
      pos = mae.stateDict().get("pos_embed").clone();
      decPos = mae.stateDict().get("decoder_pos_embed").clone();
    }
    float[] want = Tensors.toFloatArray(PosEmbedGrid.resize(pos.narrow(1, 1, 35), 7, 5, 9, 4));
    float[] wantDec = Tensors.toFloatArray(PosEmbedGrid.resize(decPos.narrow(1, 1, 35), 7, 5, 9, 4));
    try (MaskedAutoencoder target = MaskedAutoencoder.create(wanted, 9)) {
      PretrainedWeights.Loaded r = PretrainedWeights.load(target, hf, null);
      assertThat(r.notes()).contains("pos_embed: 7×5 → 9×4 grid (bicubic)",
          "decoder_pos_embed: 7×5 → 9×4 grid (bicubic)");
      float[] got = Tensors.toFloatArray(target.stateDict().get("pos_embed"));
      assertThat(Arrays.copyOfRange(got, 0, 32)).containsExactly(Arrays.copyOfRange(Tensors.toFloatArray(pos), 0,
          32)); // the cls row (width 32), as written
      assertThat(Arrays.copyOfRange(got, 32, got.length)).containsExactly(want);
      float[] gotDec = Tensors.toFloatArray(target.stateDict().get("decoder_pos_embed"));
      assertThat(Arrays.copyOfRange(gotDec, gotDec.length - wantDec.length, gotDec.length)).containsExactly(wantDec);
    }
    WeightConversion c = WeightConversion.convert(hf, WeightLayout.OFFICIAL, dir.resolve("o.pth"),
        new WeightConversion.Options(0, 0, 0, 36, 16, null));
    assertThat(c.model().getGridHeight()).isEqualTo(9);
    assertThat(c.model().getGridWidth()).isEqualTo(4);
    assertThat(c.notes()).contains("pos_embed: 7×5 → 9×4 grid (bicubic)");
    try (WeightFiles.Contents o = WeightFiles.read(dir.resolve("o.pth"))) {
      float[] got = Tensors.toFloatArray(o.tensors().get("pos_embed"));
      assertThat(Arrays.copyOfRange(got, 32, got.length)).containsExactly(want);
    }
  }

  @Test
  void loadEncoder_nonSquareMaeIntoClassifiersOfOtherGrids_resizesFromItsGrid() {
    // 24×24 px (6×6) into 16×36 (4×9: as many patches) and 28×20 (7×5) into 36×16 (9×4)
    for (int[] g : new int[][] {{24, 24, 16, 36}, {28, 20, 36, 16}}) {
      MaeConfig source = AnyChannelCountTest.tiny(13).toBuilder().imageSize(g[0]).imageWidth(g[1]).build();
      MaeConfig target = source.toBuilder().imageSize(g[2]).imageWidth(g[3]).build();
      try (MaskedAutoencoder mae = MaskedAutoencoder.create(source, 3);
          io.github.mae4j.torch.downstream.vit.VitClassifier clf = new io.github.mae4j.torch.downstream.vit
              .VitClassifier(target, 5, io.github.mae4j.torch.downstream.vit.Pooling.CLS_TOKEN, 0.0, 4)) {
        Tensor pos = mae.stateDict().get("pos_embed");
        var report = clf.loadEncoder(mae.stateDict(), source);
        assertThat(report.posEmbedResized()).isTrue();
        long gh = source.getGridHeight();
        long gw = source.getGridWidth();
        float[] want = Tensors.toFloatArray(PosEmbedGrid.resize(pos.narrow(1, 1, gh * gw), gh, gw,
            target.getGridHeight(), target.getGridWidth()));
        float[] got = Tensors.toFloatArray(clf.namedParameters().get("pos_embed"));
        assertThat(Arrays.copyOfRange(got, 32, got.length)).as(Arrays.toString(g)).containsExactly(want);
      }
    }
  }

  @Test
  void load_nonSquareOfficialFileIntoAnotherSize_isRefusedByNameNotReadAsASquareGrid() throws Exception {
    // an official .pth does not say its grid; 1 + 35 rows (7×5) must not be taken as a 6×6 grid without cls
    MaeConfig written = AnyChannelCountTest.tiny(3).toBuilder().imageSize(28).imageWidth(20).build();
    Path pth = dir.resolve("model.pth");
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(written, 5)) {
      WeightFiles.write(pth, WeightLayout.OFFICIAL, mae.stateDict(), written);
    }
    MaeConfig other = written.toBuilder().imageSize(36).imageWidth(16).build();
    try (MaskedAutoencoder target = MaskedAutoencoder.create(other, 9)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> PretrainedWeights.load(target, pth, null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pos_embed")
          .hasMessageContaining("36");
    }
    // at its own size it loads as it is
    try (MaskedAutoencoder same = MaskedAutoencoder.create(written, 9)) {
      assertThat(PretrainedWeights.load(same, pth, null).notes()).isEmpty();
    }
  }
}

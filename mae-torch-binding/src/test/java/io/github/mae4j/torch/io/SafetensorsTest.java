package io.github.mae4j.torch.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.internal.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  /** A file laid out by hand from the format description, independent of the writer. */
  static byte[] handMade(String headerJson, byte[] data) {
    byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    return b.putLong(h.length).put(h).put(data).array();
  }

  static byte[] floatsLe(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  @Test
  void read_handMadeF32AndBf16File_givesTheValues() throws IOException {
    // bf16 of 1.0 is 0x3F80, of -2.0 is 0xC000 (little-endian bytes 80 3F, 00 C0)
    byte[] data = new byte[8 + 4];
    System.arraycopy(floatsLe(1.5f, -2f), 0, data, 0, 8);
    data[8] = (byte) 0x80;
    data[9] = 0x3F;
    data[10] = 0x00;
    data[11] = (byte) 0xC0;
    Path f = dir.resolve("a.safetensors");
    Files.write(f, handMade("{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}", data));
    try (PointerScope s = new PointerScope()) {
      Map<String, Tensor> m = Safetensors.read(f);
      assertThat(m.keySet()).containsExactly("w", "b");
      assertThat(StateDict.shape(m.get("w"))).containsExactly(2, 1);
      assertThat(TensorData.toFloatArray(m.get("w"))).containsExactly(1.5f, -2f);
      assertThat(m.get("b").scalar_type().intern()).isEqualTo(ScalarType.BFloat16);
      assertThat(TensorData.toFloatArray(m.get("b"))).containsExactly(1f, -2f);
      assertThat(Safetensors.readMetadata(f)).containsEntry("format", "pt");
    }
  }

  @Test
  void writeThenRead_mixedDtypes_roundTripsExactly() throws IOException {
    try (PointerScope s = new PointerScope()) {
      Map<String, Tensor> in = new LinkedHashMap<>();
      in.put("f32", torch.randn(3, 4));
      in.put("f16", torch.randn(5).to(ScalarType.Half));
      in.put("bf16", torch.randn(2, 2).to(ScalarType.BFloat16));
      in.put("i64", TensorData.fromLongs(new long[] {1, -2, 3}, 3));
      in.put("scalar", torch.ones(new long[0]));
      in.put("empty", torch.zeros(0, 3));
      in.put("strided", torch.randn(4, 3).t());
      Path f = dir.resolve("rt.safetensors");
      Safetensors.write(f, in, Map.of("step", "7"));
      Map<String, Tensor> out = Safetensors.read(f);
      assertThat(out.keySet()).containsExactlyElementsOf(in.keySet());
      for (String k : in.keySet()) {
        assertThat(out.get(k).scalar_type().intern()).as(k).isEqualTo(in.get(k).scalar_type().intern());
        assertThat(StateDict.shape(out.get(k))).as(k).containsExactly(StateDict.shape(in.get(k)));
        assertThat(TensorData.toFloatArray(out.get(k))).as(k).containsExactly(TensorData.toFloatArray(in.get(k)));
      }
      assertThat(Safetensors.readMetadata(f)).containsExactly(Map.entry("step", "7"));
      assertThat((Files.size(f) - 8 - (3 * 4 * 4 + 5 * 2 + 4 * 2 + 3 * 8 + 4 + 12 * 4)) % 8).isZero();
    }
  }

  @Test
  void read_truncatedFile_failsNamingTheProblem() throws IOException {
    Path f = dir.resolve("t.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(IOException.class)
        .hasMessageContaining("shorter than the 8-byte header length");
  }

  @Test
  void read_headerLengthBeyondFile_fails() throws IOException {
    Path f = dir.resolve("h.safetensors");
    Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
    assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(IOException.class)
        .hasMessageContaining("header length 1099511627776 does not fit");
  }

  @Test
  void read_offsetsBeyondData_fails() throws IOException {
    Path f = dir.resolve("o.safetensors");
    Files.write(f, handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", floatsLe(1, 2)));
    assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(IOException.class)
        .hasMessageContaining("data_offsets [0, 16] outside the 8 data bytes");
  }

  @Test
  void read_shapeDisagreeingWithOffsets_fails() throws IOException {
    Path f = dir.resolve("s.safetensors");
    Files.write(f, handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", floatsLe(1, 2)));
    assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(IOException.class)
        .hasMessageContaining("needs 12 bytes, data_offsets give 8");
  }

  @Test
  void read_hugeShape_failsWithoutAllocating() throws IOException {
    Path f = dir.resolve("x.safetensors");
    Files.write(f, handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}",
        floatsLe(1, 2)));
    assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(IOException.class)
        .hasMessageContaining("shape too large");
  }

  @Test
  void read_unknownDtypeOrBadJson_fails() throws IOException {
    Path f = dir.resolve("d.safetensors");
    Files.write(f, handMade("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]));
    assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(IOException.class)
        .hasMessageContaining("unsupported dtype 'F8_E4M3'");
    Files.write(f, handMade("{not json", new byte[0]));
    assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(IOException.class)
        .hasMessageContaining("not valid JSON");
  }
}

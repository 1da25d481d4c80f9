package io.github.mae4j.torch.downstream.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.mae4j.torch.Torch;
import io.github.mae4j.torch.downstream.internal.Tensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @Test
  void header_anyShape_alignsDataTo64Bytes() {
    for (long[] shape : new long[][] {{3}, {2, 5}, {10000, 768}}) {
      assertThat((8 + 2 + Npy.header("<f4", shape).length) % 64).isZero();
    }
    assertThat(new String(Npy.header("<f4", new long[] {2, 3}), StandardCharsets.US_ASCII))
        .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").endsWith("\n");
    assertThat(new String(Npy.header("<i8", new long[] {4}), StandardCharsets.US_ASCII)).contains("'shape': (4,)");
  }

  @Test
  void writeFloats_smallMatrix_bytesAreLittleEndianAfterHeader(@TempDir Path dir) throws Exception {
    Torch.load();
    Path f = dir.resolve("x.npy");
    Npy.writeFloats(f, Tensors.floats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    byte[] b = Files.readAllBytes(f);
    int off = 10 + ((b[8] & 0xFF) | (b[9] & 0xFF) << 8);
    assertThat(off % 64).isZero();
    assertThat(b.length).isEqualTo(off + 24);
    // second value, little-endian
    assertThat(Float.intBitsToFloat((b[off + 4] & 0xFF) | (b[off + 5] & 0xFF) << 8 | (b[off + 6] & 0xFF) << 16
        | (b[off + 7] & 0xFF) << 24)).isEqualTo(2f);
  }

  @Test
  void writeFloats_numpyLoad_readsSameValues(@TempDir Path dir) throws Exception {
    Torch.load();
    Path f = dir.resolve("feat.npy");
    Path l = dir.resolve("labels.npy");
    Npy.writeFloats(f, Tensors.floats(new float[] {1.5f, -2, 3, 4.25f, 5, 6}, 3, 2));
    Npy.writeLongs(l, Tensors.longs(new long[] {7, 8, 9}, 3));
    Process p;
    try {
      p = new ProcessBuilder("python3", "-c", "import numpy as np,sys; a=np.load(sys.argv[1]); b=np.load(sys.argv[2]);"
          + "print(a.dtype, a.shape, a.sum(), b.dtype, b.tolist())", f.toString(), l.toString())
          .redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "python3 not available");
      return;
    }
    assumeTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assumeTrue(p.exitValue() == 0 || !out.contains("No module named"), out);
    assertThat(out).isEqualTo("float32 (3, 2) 17.75 int64 [7, 8, 9]");
  }
}

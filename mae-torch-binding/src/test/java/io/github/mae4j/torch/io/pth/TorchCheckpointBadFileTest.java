package io.github.mae4j.torch.io.pth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.mae4j.torch.Torch;
import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bad-file corpus of tools/make_checkpoint_fixtures.py: each file fails with a message naming its problem. */
class TorchCheckpointBadFileTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void load() {
    Torch.load();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      os_system.pth          | refusing pickle global 'os.system'
      posix_system.pth       | refusing pickle global 'posix.system'
      builtins_eval.pth      | refusing pickle global 'builtins.eval'
      subprocess_popen.pth   | refusing pickle global 'subprocess.Popen'
      numpy_scalar.pth       | refusing pickle global 'numpy.core.multiarray.scalar'
      unknown_opcode.pth     | unknown or unsupported pickle opcode 0xff at byte 3
      short_storage.pth      | storage '0' holds 16 bytes, but 16 FloatStorage elements need 64
      absurd_shape.pth       | tensor of size [1099511627776], stride [1], offset 0 in storage '0' (4 elements): reaches element 1099511627775, past the storage's end
      absurd_storage.pth     | storage '0' holds 16 bytes, but 1099511627776 FloatStorage elements need 4398046511104
      overflow_shape.pth     | size overflows 64 bits
      negative_stride.pth    | negative stride in dim 0
      negative_offset.pth    | negative storage offset
      missing_storage.pth    | storage '7' is missing: no entry 'archive/data/7'
      reduce_on_storage.pth  | refusing REDUCE on torch.FloatStorage
      build_on_dict.pth      | refusing BUILD on LinkedHashMap
      no_data_pkl.pth        | is a zip without <name>/data.pkl: not a torch.save checkpoint
      truncated.pth          | is truncated or not a zip archive: no end-of-central-directory record
      not_a_zip.pth          | is not a torch.save checkpoint (128 bytes read, no zip signature)
      empty.pth              | is not a torch.save checkpoint (0 bytes: empty file)
      legacy.pth             | legacy (pre-1.6) torch.save format is not supported; re-save with torch.save(..., _use_new_zipfile_serialization=True)
      """)
  void read_badFile_failsWithMessageNamingTheProblem(String file, String message) {
    Path path = Fixtures.file("bad/" + file);
    assertThatThrownBy(() -> TorchCheckpoint.read(path))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining(message.strip());
    assertThatThrownBy(() -> TorchCheckpoint.readStateDict(path, null))
        .isInstanceOf(CheckpointFormatException.class);
  }

  @Test
  void read_shellGlobals_runNothing() throws Exception {
    // the corpus's payloads would `touch mae4j-pwned-*` in the working directory
    for (String f : new String[] {"os_system.pth", "posix_system.pth", "builtins_eval.pth", "subprocess_popen.pth"}) {
      assertThatThrownBy(() -> TorchCheckpoint.read(Fixtures.file("bad/" + f)))
          .isInstanceOf(CheckpointFormatException.class);
    }
    try (var listing = Files.list(Path.of("."))) {
      assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("mae4j-pwned"));
    }
  }

  /** A class whose initialisation would be the side effect; the reader must refuse it by name before touching it. */
  static final class Boom {
    static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    Boom() {
      CONSTRUCTED.incrementAndGet();
    }
  }

  @Test
  void read_globalNamingAJavaClassWithSideEffect_isRefusedBeforeConstruction() throws Exception {
    String cls = Boom.class.getName();
    int dot = cls.lastIndexOf('.');
    // GLOBAL module\nname\n, EMPTY_TUPLE, NEWOBJ, then REDUCE on it: construction would be the side effect
    byte[] pickle = pickle("c" + cls.substring(0, dot) + "\n" + cls.substring(dot + 1) + "\n", ")", "\u0081", ".");
    Path file = zip(pickle);
    assertThatThrownBy(() -> TorchCheckpoint.read(file))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessage("refusing pickle global '" + cls + "': not a torch.save type on mae4j's allow-list "
            + "(nothing in a checkpoint is executed)");
    assertThat(Boom.CONSTRUCTED).hasValue(0);
  }

  @Test
  void read_refusedGlobalAfterATensor_buildsNoTensor() throws Exception {
    // a valid tensor first, then os.system: the refusal comes from parsing, before any storage is read
    byte[] pickle = pickle("}(X\u0001\u0000\u0000\u0000w", tensorOps(), "X\u0001\u0000\u0000\u0000x",
        "cos\nsystem\n", "u.");
    Path file = zip(pickle);
    assertThatThrownBy(() -> TorchCheckpoint.read(file)).hasMessageContaining("refusing pickle global 'os.system'");
  }

  @Test
  void read_cyclicList_isRejectedNotStackOverflow() throws Exception {
    // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND: a list that contains itself
    Path file = zip(pickle("]q\u0000h\u0000a."));
    assertThatThrownBy(() -> TorchCheckpoint.read(file)).hasMessageContaining("(or is cyclic)");
  }

  @Test
  void read_stringLongerThanPickle_isRejected() throws Exception {
    Path file = zip(pickle("X\u00ff\u00ff\u00ff\u0000abc."));
    assertThatThrownBy(() -> TorchCheckpoint.read(file))
        .hasMessageContaining("length 16777215 at byte 7 exceeds the 4 bytes left");
  }

  private static String tensorOps() {
    return "ctorch._utils\n_rebuild_tensor_v2\n((X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\n"
        + "X\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK\u0004tQK\u0000(K\u0004t(K\u0001t\u0089"
        + "ccollections\nOrderedDict\n)RtR";
  }

  private static byte[] pickle(String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80);
    out.write(2);
    for (String p : parts) {
      out.writeBytes(p.getBytes(StandardCharsets.ISO_8859_1));
    }
    return out.toByteArray();
  }

  private Path zip(byte[] pickle) throws Exception {
    Path file = Files.createTempFile(tmp, "bad", ".pth");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ZipArchiveWriter w = new ZipArchiveWriter(ch);
      w.add("archive/data.pkl", pickle);
      w.add("archive/data/0", new byte[16]);
      w.add("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
      w.finish();
    }
    return file;
  }
}

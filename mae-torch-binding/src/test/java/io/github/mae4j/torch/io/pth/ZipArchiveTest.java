package io.github.mae4j.torch.io.pth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zip layer alone: the windowed mapping path that large storages take, checked against the JDK's reader. */
class ZipArchiveTest {
  @TempDir
  Path tmp;

  @Test
  void copyTo_entryLargerThanTheWindow_copiesEveryByteAcrossWindows() throws Exception {
    byte[] data = new byte[100_003]; // not a multiple of the window, not page-aligned in the file
    new Random(3).nextBytes(data);
    Path file = tmp.resolve("w.zip");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ZipArchiveWriter w = new ZipArchiveWriter(ch);
      w.add("archive/x", new byte[] {1, 2, 3});
      w.add("archive/data/0", data);
      w.finish();
    }
    byte[] jdk;
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(file.toFile());
        InputStream in = z.getInputStream(z.getEntry("archive/data/0"))) {
      jdk = in.readAllBytes();
    }
    assertThat(jdk).isEqualTo(data);
    for (long window : new long[] {997, 4096, 100_003, ZipArchive.DEFAULT_WINDOW}) {
      try (ZipArchive zip = ZipArchive.open(file, window)) {
        byte[] out = new byte[data.length];
        zip.copyTo(zip.entries().get("archive/data/0"), MemorySegment.ofArray(out));
        assertThat(out).as("window " + window).isEqualTo(data);
      }
    }
  }

  @Test
  void open_entryReachingPastTheEnd_namesTheEntry() throws Exception {
    Path file = tmp.resolve("cut.zip");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ZipArchiveWriter w = new ZipArchiveWriter(ch);
      w.add("archive/data/0", new byte[1000]);
      w.finish();
    }
    // keep the central directory, drop data: the directory now points past the end of the file
    byte[] all = Files.readAllBytes(file);
    int cd = all.length - 22 - (46 + "archive/data/0".length());
    byte[] cut = new byte[cd - 900 + (all.length - cd)];
    System.arraycopy(all, 0, cut, 0, cd - 900);
    System.arraycopy(all, cd, cut, cd - 900, all.length - cd);
    // fix the central directory offset in the end record
    java.nio.ByteBuffer.wrap(cut).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(cut.length - 22 + 16, cd - 900);
    Files.write(file, cut);
    assertThatThrownBy(() -> ZipArchive.open(file).close())
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining("data of entry 'archive/data/0'")
        .hasMessageContaining("lies past the end");
  }
}

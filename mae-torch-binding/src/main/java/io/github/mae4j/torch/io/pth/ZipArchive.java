package io.github.mae4j.torch.io.pth;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The entries of a zip file, read from its central directory (zip64 included), with the offset of each entry's
 * data so stored entries can be memory-mapped instead of streamed. Deflated entries (a re-zipped checkpoint) are
 * inflated. Closing closes the file.
 */
final class ZipArchive implements AutoCloseable {
  /** One entry: name, compression method (0 stored, 8 deflated), sizes and where its data begins. */
  record Entry(String name, int method, long compressedSize, long size, long dataOffset) {}

  private static final int EOCD = 0x06054b50;
  private static final int EOCD64 = 0x06064b50;
  private static final int EOCD64_LOCATOR = 0x07064b50;
  private static final int CENTRAL = 0x02014b50;
  private static final int LOCAL = 0x04034b50;

  private final Path path;
  private final FileChannel channel;
  private final Map<String, Entry> entries;

  private ZipArchive(Path path, FileChannel channel) throws IOException {
    this.path = path;
    this.channel = channel;
    this.entries = readCentralDirectory();
  }

  /** Opens {@code path} and reads its central directory. */
  static ZipArchive open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new ZipArchive(path, ch);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Entries by name, in central-directory order. */
  Map<String, Entry> entries() {
    return Collections.unmodifiableMap(entries);
  }

  /** The whole content of a (small) entry. */
  byte[] readAll(Entry e) throws IOException {
    if (e.size() > Integer.MAX_VALUE - 16) {
      throw new CheckpointFormatException("zip entry '" + e.name() + "' is too large to read whole (" + e.size() + " bytes)");
    }
    byte[] out = new byte[(int) e.size()];
    copyTo(e, MemorySegment.ofArray(out));
    return out;
  }

  /** Copies the entry's bytes into {@code target}, whose size must equal the entry's. Stored entries are mapped. */
  void copyTo(Entry e, MemorySegment target) throws IOException {
    if (target.byteSize() != e.size()) {
      throw new IllegalArgumentException("target has " + target.byteSize() + " bytes, entry " + e.size());
    }
    if (e.size() == 0) {
      return;
    }
    try (Arena mapping = Arena.ofConfined()) { // unmapped at once: the file's pages are not held twice
      MemorySegment src = channel.map(FileChannel.MapMode.READ_ONLY, e.dataOffset(), e.compressedSize(), mapping);
      if (e.method() == 0) {
        MemorySegment.copy(src, 0, target, 0, e.size());
      } else {
        inflate(e, src, target);
      }
    }
  }

  private static void inflate(Entry e, MemorySegment src, MemorySegment target) throws IOException {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(src.asByteBuffer());
      long written = 0;
      byte[] chunk = new byte[1 << 20];
      while (written < e.size()) {
        int n = inflater.inflate(chunk, 0, (int) Math.min(chunk.length, e.size() - written));
        if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        MemorySegment.copy(MemorySegment.ofArray(chunk), 0, target, written, n);
        written += n;
      }
      if (written != e.size()) {
        throw new CheckpointFormatException("zip entry '" + e.name() + "' inflates to " + written + " bytes, expected " + e.size());
      }
    } catch (DataFormatException ex) {
      throw new CheckpointFormatException("zip entry '" + e.name() + "' is corrupt: " + ex.getMessage(), ex);
    } finally {
      inflater.end();
    }
  }

  private Map<String, Entry> readCentralDirectory() throws IOException {
    long fileSize = channel.size();
    int tail = (int) Math.min(fileSize, 22 + 65535);
    ByteBuffer end = read(fileSize - tail, tail);
    int eocd = -1;
    for (int i = tail - 22; i >= 0; i--) {
      if (end.getInt(i) == EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw new CheckpointFormatException(path + " is truncated or not a zip archive: no end-of-central-directory record");
    }
    long count = end.getShort(eocd + 10) & 0xffff;
    long cdSize = end.getInt(eocd + 12) & 0xffffffffL;
    long cdOffset = end.getInt(eocd + 16) & 0xffffffffL;
    long eocdPos = fileSize - tail + eocd;
    if ((count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) && eocdPos >= 20) {
      ByteBuffer loc = read(eocdPos - 20, 20);
      if (loc.getInt(0) == EOCD64_LOCATOR) {
        ByteBuffer z = read(check(loc.getLong(8), 56, fileSize, "zip64 end record"), 56);
        if (z.getInt(0) != EOCD64) {
          throw new CheckpointFormatException(path + ": corrupt zip64 end-of-central-directory record");
        }
        count = z.getLong(32);
        cdSize = z.getLong(40);
        cdOffset = z.getLong(48);
      }
    }
    if (cdSize > Integer.MAX_VALUE || count > cdSize / 46) {
      throw new CheckpointFormatException(path + ": implausible central directory (" + count + " entries, " + cdSize + " bytes)");
    }
    ByteBuffer cd = read(check(cdOffset, cdSize, fileSize, "central directory"), (int) cdSize);
    Map<String, Entry> out = new LinkedHashMap<>();
    int p = 0;
    for (long i = 0; i < count; i++) {
      if (p + 46 > cd.limit() || cd.getInt(p) != CENTRAL) {
        throw new CheckpointFormatException(path + ": corrupt central directory at entry " + i);
      }
      int method = cd.getShort(p + 10) & 0xffff;
      long csize = cd.getInt(p + 20) & 0xffffffffL;
      long size = cd.getInt(p + 24) & 0xffffffffL;
      int nameLen = cd.getShort(p + 28) & 0xffff;
      int extraLen = cd.getShort(p + 30) & 0xffff;
      int commentLen = cd.getShort(p + 32) & 0xffff;
      long local = cd.getInt(p + 42) & 0xffffffffL;
      if (p + 46 + nameLen + extraLen > cd.limit()) {
        throw new CheckpointFormatException(path + ": corrupt central directory at entry " + i);
      }
      byte[] nameBytes = new byte[nameLen];
      cd.get(p + 46, nameBytes);
      String name = new String(nameBytes, StandardCharsets.UTF_8);
      int x = p + 46 + nameLen;
      while (x + 4 <= p + 46 + nameLen + extraLen) { // zip64 extended information: only the saturated fields
        int id = cd.getShort(x) & 0xffff;
        int len = cd.getShort(x + 2) & 0xffff;
        if (id == 0x0001) {
          int q = x + 4;
          if (size == 0xffffffffL) { size = cd.getLong(q); q += 8; }
          if (csize == 0xffffffffL) { csize = cd.getLong(q); q += 8; }
          if (local == 0xffffffffL) { local = cd.getLong(q); }
        }
        x += 4 + len;
      }
      if (method != 0 && method != 8) {
        throw new CheckpointFormatException(path + ": entry '" + name + "' uses unsupported compression method " + method);
      }
      if (method == 0 && csize != size) {
        throw new CheckpointFormatException(path + ": stored entry '" + name + "' has sizes " + csize + " != " + size);
      }
      ByteBuffer lh = read(check(local, 30, fileSize, "local header of '" + name + "'"), 30);
      if (lh.getInt(0) != LOCAL) {
        throw new CheckpointFormatException(path + ": no local header for entry '" + name + "'");
      }
      long data = local + 30 + (lh.getShort(26) & 0xffff) + (lh.getShort(28) & 0xffff);
      check(data, csize, fileSize, "data of entry '" + name + "'");
      out.put(name, new Entry(name, method, csize, size, data));
      p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  }

  private long check(long offset, long length, long fileSize, String what) throws CheckpointFormatException {
    if (offset < 0 || length < 0 || offset > fileSize - length) {
      throw new CheckpointFormatException(path + " is truncated: " + what + " at byte " + offset + " (+" + length
          + ") lies past the end of the " + fileSize + "-byte file");
    }
    return offset;
  }

  private ByteBuffer read(long offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (channel.read(b, offset + b.position()) < 0) {
        throw new CheckpointFormatException(path + " is truncated at byte " + (offset + b.position()));
      }
    }
    return b.flip();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}

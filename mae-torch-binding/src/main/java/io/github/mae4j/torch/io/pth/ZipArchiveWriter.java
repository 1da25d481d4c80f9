package io.github.mae4j.torch.io.pth;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a zip of stored (uncompressed) entries the way {@code torch.save} does: each entry's data starts on a
 * 64-byte boundary (padding in the local header's extra field), zip64 records appear only when an offset, size
 * or count needs them. Entry data is read straight from native memory.
 */
final class ZipArchiveWriter {
  private static final int ALIGN = 64;
  private static final long MAX32 = 0xffffffffL;
  private static final int CHUNK = 1 << 30;

  private record Written(byte[] name, long crc, long size, long offset) {}

  private final WritableByteChannel out;
  private long position;
  private final List<Written> written = new ArrayList<>();

  /** Writes to {@code out}, from its start (offsets are counted from the first byte written here). */
  ZipArchiveWriter(WritableByteChannel out) {
    this.out = out;
  }

  /** Appends a stored entry holding {@code data}. */
  void add(String name, MemorySegment data) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    long size = data.byteSize();
    CRC32 crc = new CRC32();
    for (long off = 0; off < size; off += CHUNK) {
      crc.update(data.asSlice(off, Math.min(CHUNK, size - off)).asByteBuffer());
    }
    long offset = position;
    boolean zip64 = size >= MAX32;
    int zip64Len = zip64 ? 20 : 0;
    int pad = (int) ((ALIGN - (offset + 30 + nameBytes.length + zip64Len) % ALIGN) % ALIGN);
    if (pad > 0 && pad < 4) {
      pad += ALIGN;
    }
    ByteBuffer h = le(30 + nameBytes.length + zip64Len + pad);
    h.putInt(0x04034b50).putShort((short) (zip64 ? 45 : 20)).putShort((short) 0).putShort((short) 0)
        .putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
        .putInt((int) Math.min(size, MAX32)).putInt((int) Math.min(size, MAX32))
        .putShort((short) nameBytes.length).putShort((short) (zip64Len + pad)).put(nameBytes);
    if (zip64) {
      h.putShort((short) 1).putShort((short) 16).putLong(size).putLong(size);
    }
    if (pad > 0) {
      h.putShort((short) 0x4246).putShort((short) (pad - 4)); // "FB" padding record, as PyTorch writes it
      for (int i = 4; i < pad; i++) {
        h.put((byte) 'Z');
      }
    }
    writeFully(h.flip());
    for (long off = 0; off < size; off += CHUNK) {
      writeFully(data.asSlice(off, Math.min(CHUNK, size - off)).asByteBuffer());
    }
    written.add(new Written(nameBytes, crc.getValue(), size, offset));
  }

  /** Appends a stored entry holding {@code data}. */
  void add(String name, byte[] data) throws IOException {
    add(name, MemorySegment.ofArray(data));
  }

  /** Writes the central directory and end records. */
  void finish() throws IOException {
    long cdStart = position;
    for (Written w : written) {
      boolean bigSize = w.size() >= MAX32;
      boolean bigOffset = w.offset() >= MAX32;
      int extra = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
      ByteBuffer c = le(46 + w.name().length + (extra > 0 ? 4 + extra : 0));
      c.putInt(0x02014b50).putShort((short) 45).putShort((short) (extra > 0 ? 45 : 20)).putShort((short) 0)
          .putShort((short) 0).putShort((short) 0).putShort((short) 0x21).putInt((int) w.crc())
          .putInt((int) Math.min(w.size(), MAX32)).putInt((int) Math.min(w.size(), MAX32))
          .putShort((short) w.name().length).putShort((short) (extra > 0 ? 4 + extra : 0)).putShort((short) 0)
          .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) Math.min(w.offset(), MAX32)).put(w.name());
      if (extra > 0) {
        c.putShort((short) 1).putShort((short) extra);
        if (bigSize) {
          c.putLong(w.size()).putLong(w.size());
        }
        if (bigOffset) {
          c.putLong(w.offset());
        }
      }
      writeFully(c.flip());
    }
    long cdEnd = position;
    long cdSize = cdEnd - cdStart;
    int count = written.size();
    if (count >= 0xffff || cdStart >= MAX32 || cdSize >= MAX32) {
      ByteBuffer z = le(56 + 20);
      z.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
          .putLong(count).putLong(count).putLong(cdSize).putLong(cdStart);
      z.putInt(0x07064b50).putInt(0).putLong(cdEnd).putInt(1);
      writeFully(z.flip());
    }
    ByteBuffer e = le(22);
    e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
        .putShort((short) Math.min(count, 0xffff)).putShort((short) Math.min(count, 0xffff))
        .putInt((int) Math.min(cdSize, MAX32)).putInt((int) Math.min(cdStart, MAX32)).putShort((short) 0);
    writeFully(e.flip());
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      position += out.write(b);
    }
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}

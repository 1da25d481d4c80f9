package io.github.mae4j.torch.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.mae4j.torch.Torch;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Reads and writes <a href="https://huggingface.co/docs/safetensors">safetensors</a> files: an 8-byte
 * little-endian header length, a JSON header {@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}}}
 * (optionally {@code "__metadata__"}: string → string), then the raw little-endian data.
 *
 * <p>Dtypes: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL. Reading maps the file ({@link FileChannel#map}
 * into a {@link MemorySegment}) and copies each tensor once into libtorch memory; every size and offset is
 * checked against the file before any copy, and a malformed file gives an {@link IOException} that names the file
 * and the problem. Writing goes to a temporary file that is then moved into place.
 */
public final class Safetensors {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The reference implementation's limit on the header size. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private Safetensors() {}

  /** Every tensor of the file as a CPU tensor, in header order. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    Torch.load();
    requireLittleEndian();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
      long size = ch.size();
      if (size < 8) {
        throw bad(file, "file is " + size + " bytes, shorter than the 8-byte header length");
      }
      MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      long headerLen = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
      if (headerLen <= 0 || headerLen > size - 8 || headerLen > MAX_HEADER_BYTES) {
        throw bad(file, "header length " + headerLen + " does not fit the file of " + size + " bytes");
      }
      byte[] headerBytes = all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
      List<Entry> entries = parseHeader(file, headerBytes, size - 8 - headerLen);
      Map<String, Tensor> out = new LinkedHashMap<>();
      long dataStart = 8 + headerLen;
      for (Entry e : entries) {
        Tensor t = torch.empty(e.shape, new TensorOptions(e.dtype.scalarType), new MemoryFormatOptional());
        if (e.end > e.begin) {
          MemorySegment dst = MemorySegment.ofAddress(t.data_ptr().address()).reinterpret(e.end - e.begin);
          MemorySegment.copy(all, dataStart + e.begin, dst, 0, e.end - e.begin);
        }
        out.put(e.name, t);
      }
      return Collections.unmodifiableMap(out);
    }
  }

  /** The {@code __metadata__} strings of a file (empty when absent). */
  public static Map<String, String> readMetadata(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      if (ch.read(len, 0) != 8) {
        throw bad(file, "file is shorter than the 8-byte header length");
      }
      long headerLen = len.getLong(0);
      if (headerLen <= 0 || headerLen > ch.size() - 8 || headerLen > MAX_HEADER_BYTES) {
        throw bad(file, "header length " + headerLen + " does not fit the file of " + ch.size() + " bytes");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      ch.read(header, 8);
      JsonNode meta = parseJson(file, header.array()).path("__metadata__");
      Map<String, String> out = new LinkedHashMap<>();
      meta.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    }
  }

  /** Writes the tensors (any device, any layout; copied to contiguous CPU memory) in map order. */
  public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
    write(file, tensors, Map.of());
  }

  /** Writes the tensors and {@code __metadata__} strings. */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    Torch.load();
    requireLittleEndian();
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    List<Tensor> data = new ArrayList<>();
    long offset = 0;
    Device cpu = new Device(torch.DeviceType.CPU);
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String name = e.getKey();
      if (name.isEmpty() || name.equals("__metadata__")) {
        throw new IllegalArgumentException("tensor name must be non-empty and not __metadata__, got '" + name + "'");
      }
      Tensor src = e.getValue();
      SafetensorsDtype dtype = SafetensorsDtype.of(src.scalar_type()).orElseThrow(() -> new IllegalArgumentException(
          "tensor " + name + " has dtype " + src.scalar_type().intern() + ", which safetensors writing here does"
              + " not support (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)"));
      Tensor t = src.detach().to(cpu, dtype.scalarType).contiguous();
      ObjectNode node = header.putObject(name);
      node.put("dtype", dtype.name());
      ArrayNode shape = node.putArray("shape");
      for (long s : StateDict.shape(t)) {
        shape.add(s);
      }
      node.putArray("data_offsets").add(offset).add(offset + t.nbytes());
      offset += t.nbytes();
      data.add(t);
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(ch, head);
      for (Tensor t : data) {
        if (t.nbytes() > 0) {
          writeFully(ch, MemorySegment.ofAddress(t.data_ptr().address()).reinterpret(t.nbytes()).asByteBuffer());
        }
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private record Entry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {}

  private static List<Entry> parseHeader(Path file, byte[] headerBytes, long dataSize) throws IOException {
    JsonNode root = parseJson(file, headerBytes);
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      if (name.equals("__metadata__")) {
        continue;
      }
      JsonNode n = f.getValue();
      String dtypeName = n.path("dtype").asText("");
      SafetensorsDtype dtype = SafetensorsDtype.byName(dtypeName)
          .orElseThrow(() -> bad(file, "tensor " + name + " has unsupported dtype '" + dtypeName + "'"));
      JsonNode shapeNode = n.path("shape");
      JsonNode offsets = n.path("data_offsets");
      if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
        throw bad(file, "tensor " + name + " needs a shape array and data_offsets [begin, end]");
      }
      long[] shape = new long[shapeNode.size()];
      long numel = 1;
      try {
        for (int i = 0; i < shape.length; i++) {
          if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) {
            throw bad(file, "tensor " + name + " has an invalid shape " + shapeNode);
          }
          shape[i] = shapeNode.get(i).asLong();
          numel = Math.multiplyExact(numel, shape[i]);
        }
        long bytes = Math.multiplyExact(numel, dtype.bytes);
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
          throw bad(file, "tensor " + name + " has data_offsets [" + begin + ", " + end + "] outside the "
              + dataSize + " data bytes");
        }
        if (end - begin != bytes) {
          throw bad(file, "tensor " + name + " of shape " + shapeNode + " " + dtype + " needs " + bytes
              + " bytes, data_offsets give " + (end - begin));
        }
        entries.add(new Entry(name, dtype, shape, begin, end));
      } catch (ArithmeticException e) {
        throw bad(file, "tensor " + name + " has a shape too large: " + shapeNode);
      }
    }
    return entries;
  }

  private static JsonNode parseJson(Path file, byte[] bytes) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw bad(file, "header is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw bad(file, "header is not a JSON object");
    }
    return root;
  }

  private static IOException bad(Path file, String problem) {
    return new IOException("invalid safetensors file " + file + ": " + problem);
  }

  private static void requireLittleEndian() {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException("safetensors I/O here needs a little-endian machine");
    }
  }
}

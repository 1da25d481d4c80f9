package io.github.mae4j.torch.io;

import java.util.Optional;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** The safetensors dtype names this project reads and writes, with their libtorch types and sizes. */
enum SafetensorsDtype {
  F64(ScalarType.Double, 8),
  F32(ScalarType.Float, 4),
  F16(ScalarType.Half, 2),
  BF16(ScalarType.BFloat16, 2),
  I64(ScalarType.Long, 8),
  I32(ScalarType.Int, 4),
  I16(ScalarType.Short, 2),
  I8(ScalarType.Char, 1),
  U8(ScalarType.Byte, 1),
  BOOL(ScalarType.Bool, 1);

  final ScalarType scalarType;
  final int bytes;

  SafetensorsDtype(ScalarType scalarType, int bytes) {
    this.scalarType = scalarType;
    this.bytes = bytes;
  }

  static Optional<SafetensorsDtype> byName(String name) {
    for (SafetensorsDtype d : values()) {
      if (d.name().equals(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  static Optional<SafetensorsDtype> of(ScalarType type) {
    ScalarType t = type.intern();
    for (SafetensorsDtype d : values()) {
      if (d.scalarType == t) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}

package io.github.mae4j.torch.io.pth;

import java.util.Arrays;
import java.util.Optional;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The typed storages {@code torch.save} names in its persistent ids ({@code torch.FloatStorage} …), with their
 * libtorch dtype and element size in bytes.
 */
public enum StorageType {
  FLOAT("FloatStorage", ScalarType.Float, 4),
  HALF("HalfStorage", ScalarType.Half, 2),
  BFLOAT16("BFloat16Storage", ScalarType.BFloat16, 2),
  DOUBLE("DoubleStorage", ScalarType.Double, 8),
  LONG("LongStorage", ScalarType.Long, 8),
  INT("IntStorage", ScalarType.Int, 4),
  SHORT("ShortStorage", ScalarType.Short, 2),
  CHAR("CharStorage", ScalarType.Char, 1),
  BYTE("ByteStorage", ScalarType.Byte, 1),
  BOOL("BoolStorage", ScalarType.Bool, 1);

  private final String pickleName;
  private final ScalarType scalarType;
  private final int elementSize;

  StorageType(String pickleName, ScalarType scalarType, int elementSize) {
    this.pickleName = pickleName;
    this.scalarType = scalarType;
    this.elementSize = elementSize;
  }

  /** The class name inside module {@code torch}, e.g. {@code FloatStorage}. */
  public String pickleName() {
    return pickleName;
  }

  /** The libtorch dtype of the storage's elements. */
  public ScalarType scalarType() {
    return scalarType;
  }

  /** Bytes per element. */
  public int elementSize() {
    return elementSize;
  }

  /** The storage named {@code name} in module {@code torch}, if it is one of these. */
  public static Optional<StorageType> ofPickleName(String name) {
    return Arrays.stream(values()).filter(s -> s.pickleName.equals(name)).findFirst();
  }

  /**
   * The storage for a libtorch dtype.
   *
   * @throws IllegalArgumentException for a dtype {@code torch.save} files cannot hold here (complex, quantized …)
   */
  public static StorageType of(ScalarType type) {
    ScalarType canonical = type.intern(); // JavaCPP returns fresh enum instances from native calls
    return Arrays.stream(values())
        .filter(s -> s.scalarType == canonical)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "dtype " + type + " cannot be written; supported: " + Arrays.toString(values())));
  }
}

package io.github.mae4j.torch.io.pth;

import java.util.Arrays;

/**
 * A tensor as the pickle describes it, before any storage is read: a view of storage {@code storageKey}
 * (validated to lie inside it).
 */
record TensorRef(StorageRef storage, long offset, long[] size, long[] stride, boolean requiresGrad) {
  /** A persistent id {@code ('storage', torch.XStorage, key, location, numel)}. */
  record StorageRef(String key, StorageType type, String location, long numel) {}

  /**
   * Validates the view against its storage.
   *
   * @throws CheckpointFormatException for negative or mismatched sizes, strides or offset, overflow, or a view
   *     reaching past the storage
   */
  static TensorRef of(StorageRef storage, long offset, long[] size, long[] stride, boolean requiresGrad)
      throws CheckpointFormatException {
    String what = "tensor of size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride)
        + ", offset " + offset + " in storage '" + storage.key() + "' (" + storage.numel() + " elements)";
    if (size.length != stride.length) {
      throw new CheckpointFormatException(what + ": size and stride differ in length");
    }
    if (offset < 0) {
      throw new CheckpointFormatException(what + ": negative storage offset");
    }
    if (storage.numel() < 0) {
      throw new CheckpointFormatException(what + ": negative storage size");
    }
    try {
      long numel = 1;
      long lastIndex = offset;
      for (int i = 0; i < size.length; i++) {
        if (size[i] < 0) {
          throw new CheckpointFormatException(what + ": negative size in dim " + i);
        }
        if (stride[i] < 0) {
          throw new CheckpointFormatException(what + ": negative stride in dim " + i);
        }
        numel = Math.multiplyExact(numel, size[i]);
        if (size[i] > 0) {
          lastIndex = Math.addExact(lastIndex, Math.multiplyExact(size[i] - 1, stride[i]));
        }
      }
      if (numel > 0 && lastIndex >= storage.numel()) {
        throw new CheckpointFormatException(what + ": reaches element " + lastIndex + ", past the storage's end");
      }
    } catch (ArithmeticException e) {
      throw new CheckpointFormatException(what + ": size overflows 64 bits", e);
    }
    return new TensorRef(storage, offset, size.clone(), stride.clone(), requiresGrad);
  }
}

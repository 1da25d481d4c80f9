package io.github.mae4j.torch.internal;

import java.io.ByteArrayOutputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.ArchiveWriter;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;

/** libtorch archives ({@code torch::serialize}) as Java bytes, and back. */
public final class ArchiveBytes {
  private ArchiveBytes() {}

  /** The bytes of {@code archive} as {@link OutputArchive#save_to} writes them. */
  public static byte[] of(OutputArchive archive) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArchiveWriter writer = new ArchiveWriter() {
          @Override
          public long call(Pointer data, long size) {
            byte[] chunk = new byte[Math.toIntExact(size)];
            new BytePointer(data).capacity(size).get(chunk);
            bytes.write(chunk, 0, chunk.length);
            return size;
          }
        }) {
      archive.save_to(writer);
    }
    return bytes.toByteArray();
  }

  /**
   * Loads {@code bytes} into {@code archive}.
   *
   * @throws IllegalArgumentException when they are empty or not an archive (libtorch's first line quoted)
   */
  public static void load(InputArchive archive, byte[] bytes, String what) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty " + what);
    }
    try (BytePointer data = new BytePointer(bytes)) {
      archive.load_from(data, bytes.length);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the " + what + " is not a libtorch archive: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
  }
}

package io.github.mae4j.torch.data;

/** The one line printed when an unreadable image is skipped, the same wherever it is skipped. */
public final class SkipMessages {
  private SkipMessages() {}

  /**
   * {@code "skipped unreadable image <what>: <reason>"} on one line (line breaks in the reason become spaces).
   *
   * @param what the image's path or description
   * @param failure why it could not be read
   */
  public static String line(String what, Exception failure) {
    String reason = String.valueOf(failure.getMessage()).replaceAll("\\s*\\R\\s*", " ");
    // the decoder's messages already name the file: do not say it twice
    String prefix = "skipped unreadable image " + what;
    return reason.contains(what) ? "skipped unreadable image: " + reason : prefix + ": " + reason;
  }
}

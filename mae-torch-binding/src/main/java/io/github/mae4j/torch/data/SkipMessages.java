package io.github.mae4j.torch.data;

/** The one line printed when an unreadable image is skipped, the same wherever it is skipped. */
public final class SkipMessages {
  /** How every skip line begins. */
  public static final String PREFIX = "skipped unreadable image";

  private SkipMessages() {}

  /** Whether {@code line} tells of a skipped image (a warning every rank of a job prints, not only rank 0). */
  public static boolean isSkip(String line) {
    return line.startsWith(PREFIX);
  }

  /**
   * {@code "skipped unreadable image <what>: <reason>"} on one line (line breaks in the reason become spaces).
   *
   * @param what the image's path or description
   * @param failure why it could not be read
   */
  public static String line(String what, Exception failure) {
    String reason = String.valueOf(failure.getMessage()).replaceAll("\\s*\\R\\s*", " ");
    // the decoder's messages already name the file: do not say it twice
    return reason.contains(what) ? PREFIX + ": " + reason : PREFIX + " " + what + ": " + reason;
  }
}

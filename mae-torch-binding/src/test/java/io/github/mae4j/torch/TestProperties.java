package io.github.mae4j.torch;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/** System properties set for the length of a test body (the library reads its settings from them). */
public final class TestProperties {
  private TestProperties() {}

  /** Runs {@code body} with {@code name} set to {@code value}, then puts back what was there. */
  public static <T> T with(String name, String value, Callable<T> body) throws Exception {
    String before = System.getProperty(name);
    System.setProperty(name, value);
    try {
      return body.call();
    } finally {
      restore(name, before);
    }
  }

  /** Sets {@code name} back to {@code before}, or clears it when there was none. */
  public static void restore(String name, @Nullable String before) {
    if (before == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, before);
    }
  }
}

package io.github.mae4j.api;

/**
 * Argument checks for the rules ({@code @Value.Check}) of mae4j's value types, configs and recipes alike: each
 * message names the field, the value and the rule, e.g. {@code "maskRatio (1.0) must be in [0, 1)"}.
 */
public final class Checks {
  private Checks() {}

  public static void positive(String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " (" + value + ") must be positive");
    }
  }

  public static void nonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " (" + value + ") must be >= 0");
    }
  }

  public static void positive(String field, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + " (" + value + ") must be a positive finite number");
    }
  }

  public static void nonNegative(String field, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + " (" + value + ") must be a finite number >= 0");
    }
  }

  /** {@code lo <= value <= hi}. */
  public static void inClosed(String field, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw new IllegalArgumentException(field + " (" + value + ") must be in [" + lo + ", " + hi + "]");
    }
  }

  /** {@code lo < value <= hi}. */
  public static void inOpenClosed(String field, double value, double lo, double hi) {
    if (!(value > lo && value <= hi)) {
      throw new IllegalArgumentException(field + " (" + value + ") must be in (" + lo + ", " + hi + "]");
    }
  }

  /** {@code lo <= value < hi}. */
  public static void inHalfOpen(String field, double value, double lo, double hi) {
    if (!(value >= lo && value < hi)) {
      throw new IllegalArgumentException(field + " (" + value + ") must be in [" + lo + ", " + hi + ")");
    }
  }

  public static void notBlank(String field, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " (\"" + value + "\") must not be blank");
    }
  }
}

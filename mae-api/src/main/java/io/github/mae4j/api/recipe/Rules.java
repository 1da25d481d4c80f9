package io.github.mae4j.api.recipe;

/** Argument checks for recipe values whose messages name the field, the value and the rule. */
final class Rules {
  private Rules() {}

  static void positive(String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " (" + value + ") must be positive");
    }
  }

  static void nonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " (" + value + ") must be >= 0");
    }
  }

  static void positive(String field, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + " (" + value + ") must be a positive finite number");
    }
  }

  static void nonNegative(String field, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + " (" + value + ") must be a finite number >= 0");
    }
  }

  /** {@code lo <= value <= hi}. */
  static void inClosed(String field, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw new IllegalArgumentException(field + " (" + value + ") must be in [" + lo + ", " + hi + "]");
    }
  }

  /** {@code lo < value <= hi}. */
  static void inOpenClosed(String field, double value, double lo, double hi) {
    if (!(value > lo && value <= hi)) {
      throw new IllegalArgumentException(field + " (" + value + ") must be in (" + lo + ", " + hi + "]");
    }
  }

  /** {@code lo <= value < hi}. */
  static void inHalfOpen(String field, double value, double lo, double hi) {
    if (!(value >= lo && value < hi)) {
      throw new IllegalArgumentException(field + " (" + value + ") must be in [" + lo + ", " + hi + ")");
    }
  }

  static void notBlank(String field, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " (\"" + value + "\") must not be blank");
    }
  }
}

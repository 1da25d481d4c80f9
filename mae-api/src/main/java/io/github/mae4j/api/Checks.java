package io.github.mae4j.api;

/** Argument checks whose messages name the field, the value and the rule. */
final class Checks {
  private Checks() {}

  static void positive(String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " (" + value + ") must be positive");
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

  static void inRange(String field, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw new IllegalArgumentException(
          field + " (" + value + ") must be in [" + lo + ", " + hi + "]");
    }
  }
}

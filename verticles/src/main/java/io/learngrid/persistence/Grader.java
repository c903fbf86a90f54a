package io.learngrid.persistence;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The grading rules of docs/api.md. {@code choice}: the chosen string equals the answer exactly.
 * {@code text}: equal after stripping surrounding whitespace and lower-casing both (Locale.ROOT).
 * {@code number}: within 1e-9 of the answer; the submission may be a JSON number or a string
 * holding a decimal number ("42", " -0.5 ", "1e3"), since many clients send form input as text.
 * Anything else (a number for a choice or text question, a string that is not a number for a
 * number question) is a wrong answer, not an error: it is stored and graded like any other.
 */
final class Grader {

  static final double NUMBER_TOLERANCE = 1e-9;
  // Plain decimal notation only: Double.parseDouble would also take "NaN", "0x1p3" or "1d".
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,4})?");

  private Grader() {}

  static boolean correct(String kind, Object expected, Object given) {
    return switch (kind) {
      case "choice" -> given instanceof String chosen && chosen.equals(text(expected));
      case "text" -> given instanceof String written && normalized(written).equals(normalized(text(expected)));
      case "number" -> {
        double answer = number(expected);
        double value = number(given);
        yield Double.isFinite(answer) && Double.isFinite(value) && Math.abs(value - answer) <= NUMBER_TOLERANCE;
      }
      default -> false;
    };
  }

  private static String text(Object value) {
    return value instanceof String s ? s : String.valueOf(value);
  }

  private static String normalized(String text) {
    return text.strip().toLowerCase(Locale.ROOT);
  }

  /** The value as a double, or NaN when it is not a number. */
  static double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      String trimmed = s.strip();
      if (trimmed.length() <= 64 && DECIMAL.matcher(trimmed).matches()) {
        return Double.parseDouble(trimmed);
      }
    }
    return Double.NaN;
  }
}

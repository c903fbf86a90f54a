package io.learngrid.persistence;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes CSV lines as RFC 4180 has them: fields separated by commas, a field that holds a comma,
 * a double quote, CR or LF quoted with its quotes doubled, every line ended by CRLF, UTF-8. Text
 * that a spreadsheet would take for a formula (it starts with {@code = + - @}, TAB or CR: OWASP's
 * list for CSV injection) gets a leading {@code '}, so a student named {@code =HYPERLINK(…)} shows
 * as text in the teacher's spreadsheet instead of running there. Numbers and booleans written
 * through {@link #number} and {@link #bool} are ours, not text, and stay as they are.
 *
 * <p>One line at a time, reused: {@link #end} appends the line to a buffer and starts the next.
 */
final class CsvRows {

  private final StringBuilder line = new StringBuilder(256);
  private boolean empty = true;

  /** A text cell (null is an empty cell). */
  CsvRows text(String value) {
    separate();
    line.append(cell(value));
    return this;
  }

  CsvRows number(long value) {
    separate();
    line.append(value);
    return this;
  }

  /** A number we hold as a value (a JSON number answer): its decimal form, never guarded as text. */
  CsvRows number(Number value) {
    separate();
    line.append(value);
    return this;
  }

  CsvRows bool(boolean value) {
    separate();
    line.append(value);
    return this;
  }

  /** Appends the line and its CRLF to {@code out} in UTF-8 and starts a new line; returns the bytes written. */
  int end(Buffer out) {
    line.append("\r\n");
    int before = out.length();
    out.appendString(line.toString(), StandardCharsets.UTF_8.name());
    line.setLength(0);
    empty = true;
    return out.length() - before;
  }

  private void separate() {
    if (!empty) {
      line.append(',');
    }
    empty = false;
  }

  /** One text field as it is written: guarded against formulas, then quoted when it must be. */
  static String cell(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String text = formulaLike(value.charAt(0)) ? "'" + value : value;
    boolean quote = false;
    for (int i = 0; i < text.length() && !quote; i++) {
      char c = text.charAt(i);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }

  private static boolean formulaLike(char first) {
    return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
  }
}

package io.learngrid;

import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per event: time, level, logger, message, and for a failure only its class and message
 * (a stack trace would spread one event over many lines and may carry request data).
 */
public final class OneLineFormatter extends Formatter {

  @Override
  public String format(LogRecord record) {
    StringBuilder line = new StringBuilder(160)
        .append(Instant.ofEpochMilli(record.getMillis()))
        .append(' ').append(record.getLevel().getName())
        .append(' ').append(shortName(record.getLoggerName()))
        .append(' ').append(formatMessage(record));
    Throwable thrown = record.getThrown();
    if (thrown != null) {
      line.append(" [").append(thrown.getClass().getName()).append(": ").append(thrown.getMessage()).append(']');
    }
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '\n' || line.charAt(i) == '\r') {
        line.setCharAt(i, ' ');
      }
    }
    return line.append(System.lineSeparator()).toString();
  }

  private static String shortName(String logger) {
    if (logger == null) {
      return "-";
    }
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }
}

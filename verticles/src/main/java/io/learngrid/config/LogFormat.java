package io.learngrid.config;

import java.util.Locale;

/**
 * How a node writes its log: {@code text}, one line per event (stack traces follow their line), or
 * {@code json}, one JSON object per line for a log shipper (ELK, Loki). Main reads it before the
 * rest of the configuration, since logging must be set up before anything logs.
 */
public enum LogFormat {
  TEXT, JSON;

  public static final String KEY = "LEARNGRID_LOG_FORMAT";

  public static LogFormat from(SettingsReader s) {
    String value = s.string(KEY, "text");
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> {
        s.report(KEY, "'" + value + "' is not text or json");
        yield TEXT;
      }
    };
  }
}

package io.learngrid.config;

import java.util.Locale;

/**
 * LEARNGRID_AI_MODERATION: which chat text the gateway sends to the upstream's {@code /v1/moderations}
 * first: none ({@code off}, the default), the caller's messages ({@code input}), or those and the
 * reply too ({@code both}).
 */
public enum AiModeration {
  OFF, INPUT, BOTH;

  static final String KEY = "LEARNGRID_AI_MODERATION";

  static AiModeration from(SettingsReader s) {
    String value = s.string(KEY, "off");
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "off" -> OFF;
      case "input" -> INPUT;
      case "both" -> BOTH;
      default -> {
        s.report(KEY, "'" + value + "' is not off, input or both");
        yield OFF;
      }
    };
  }

  public boolean input() {
    return this != OFF;
  }

  public boolean output() {
    return this == BOTH;
  }
}

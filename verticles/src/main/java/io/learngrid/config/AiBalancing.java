package io.learngrid.config;

import java.util.Locale;

/**
 * LEARNGRID_AI_BALANCING: how the gateway picks among the healthy upstreams serving a model.
 * {@code weighted} (the default): a random draw by LEARNGRID_AI_*_WEIGHT. {@code least-busy}: the one
 * with the fewest calls in flight on this node, per unit of weight. {@code peak-ewma}: the lowest
 * expected latency, a moving average of its recent latencies that jumps to a slow one at once and
 * decays back, times its calls in flight plus one (Finagle's and Linkerd's balancer).
 */
public enum AiBalancing {
  WEIGHTED, LEAST_BUSY, PEAK_EWMA;

  static final String KEY = "LEARNGRID_AI_BALANCING";

  static AiBalancing from(SettingsReader s) {
    String value = s.string(KEY, "weighted");
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "weighted" -> WEIGHTED;
      case "least-busy" -> LEAST_BUSY;
      case "peak-ewma" -> PEAK_EWMA;
      default -> {
        s.report(KEY, "'" + value + "' is not weighted, least-busy or peak-ewma");
        yield WEIGHTED;
      }
    };
  }
}

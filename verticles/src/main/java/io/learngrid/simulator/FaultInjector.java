package io.learngrid.simulator;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Queue;
import java.util.Random;

/**
 * Decides which chat requests fail. One seeded draw per request gives the same fault sequence for the same seed,
 * so a retry or circuit-breaker test sees identical upstream behaviour on every run. A test can also plan the
 * next faults outright ({@link #plan}); planned faults come before the draws and consume none.
 */
final class FaultInjector {

  enum Fault {
    NONE, RATE_LIMITED, SERVER_ERROR, HANG, DISCONNECT;

    /** {@code none}, {@code 429}, {@code 500}, {@code hang}, {@code disconnect}. */
    static Fault parse(String name) {
      return switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "none", "ok" -> NONE;
        case "429", "rate_limited" -> RATE_LIMITED;
        case "500", "server_error" -> SERVER_ERROR;
        case "hang" -> HANG;
        case "disconnect" -> DISCONNECT;
        default -> throw new IllegalArgumentException("unknown fault '" + name + "'");
      };
    }
  }

  private final Random random;
  private final double rateLimitRate;
  private final double errorRate;
  private final double hangRate;
  private final double disconnectRate;
  private final Queue<Fault> planned = new ArrayDeque<>();

  FaultInjector(long seed, double rateLimitRate, double errorRate) {
    this(seed, rateLimitRate, errorRate, 0, 0);
  }

  FaultInjector(long seed, double rateLimitRate, double errorRate, double hangRate, double disconnectRate) {
    this.random = new Random(seed);
    this.rateLimitRate = rateLimitRate;
    this.errorRate = errorRate;
    this.hangRate = hangRate;
    this.disconnectRate = disconnectRate;
  }

  /** Replaces the planned faults: the next requests get these, in order, before the seeded draws resume. */
  synchronized void plan(Iterable<Fault> faults) {
    planned.clear();
    faults.forEach(planned::add);
  }

  /**
   * Draws the fate of the next request: the first {@code rateLimitRate} of [0,1) is 429, the next
   * {@code errorRate} is 500, then hang, then disconnect.
   */
  synchronized Fault next() {
    Fault plannedFault = planned.poll();
    if (plannedFault != null) {
      return plannedFault;
    }
    double draw = random.nextDouble();
    double bound = rateLimitRate;
    if (draw < bound) {
      return Fault.RATE_LIMITED;
    }
    if (draw < (bound += errorRate)) {
      return Fault.SERVER_ERROR;
    }
    if (draw < (bound += hangRate)) {
      return Fault.HANG;
    }
    if (draw < bound + disconnectRate) {
      return Fault.DISCONNECT;
    }
    return Fault.NONE;
  }
}

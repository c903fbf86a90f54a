package io.learngrid.simulator;

import java.util.Random;

/**
 * Decides which chat requests fail. One seeded draw per request gives the same fault sequence for the same seed,
 * so a retry or circuit-breaker test sees identical upstream behaviour on every run.
 */
final class FaultInjector {

  enum Fault { NONE, RATE_LIMITED, SERVER_ERROR }

  private final Random random;
  private final double rateLimitRate;
  private final double errorRate;

  FaultInjector(long seed, double rateLimitRate, double errorRate) {
    this.random = new Random(seed);
    this.rateLimitRate = rateLimitRate;
    this.errorRate = errorRate;
  }

  /** Draws the fate of the next request: the first {@code rateLimitRate} of [0,1) is 429, the next {@code errorRate} is 500. */
  Fault next() {
    double draw = random.nextDouble();
    if (draw < rateLimitRate) {
      return Fault.RATE_LIMITED;
    }
    if (draw < rateLimitRate + errorRate) {
      return Fault.SERVER_ERROR;
    }
    return Fault.NONE;
  }
}

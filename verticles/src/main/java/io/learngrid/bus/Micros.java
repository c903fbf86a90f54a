package io.learngrid.bus;

import java.time.Instant;

/** Wall-clock time in microseconds since the epoch: comparable across nodes, as far as their clocks agree. */
public final class Micros {

  private Micros() {}

  public static long now() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}

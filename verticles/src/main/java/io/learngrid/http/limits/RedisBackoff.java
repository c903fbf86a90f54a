package io.learngrid.http.limits;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers that the cache role just failed, so that callers stop asking it for a second instead
 * of each waiting out its own timeout while Redis hangs. When the second is over one caller probes
 * (the others still skip), and the first success makes every caller ask again.
 */
public final class RedisBackoff {

  private static final long HEALTHY = Long.MIN_VALUE;
  private static final long PAUSE_NANOS = 1_000_000_000L;

  /** {@link #HEALTHY}, or the nanoTime before which nobody asks (one probe may then claim it). */
  private final AtomicLong pausedUntil = new AtomicLong(HEALTHY);

  /** True when this caller should ask the cache role now (it is healthy, or this is the probe). */
  public boolean ask() {
    long until = pausedUntil.get();
    if (until == HEALTHY) {
      return true;
    }
    long now = System.nanoTime();
    return now - until >= 0 && pausedUntil.compareAndSet(until, now + PAUSE_NANOS);
  }

  /** Returns true when this success ended a pause. */
  public boolean succeeded() {
    return pausedUntil.get() != HEALTHY && pausedUntil.getAndSet(HEALTHY) != HEALTHY;
  }

  /** Returns true when this failure started a pause. */
  public boolean failed() {
    return pausedUntil.getAndSet(System.nanoTime() + PAUSE_NANOS) == HEALTHY;
  }
}

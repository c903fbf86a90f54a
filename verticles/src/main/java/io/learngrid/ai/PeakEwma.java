package io.learngrid.ai;

/**
 * An upstream's expected latency for {@code peak-ewma} balancing (Finagle's and Linkerd's): an
 * exponentially weighted moving average of its observed latencies that takes a sample above it at
 * once (the peak) and moves towards a lower one with a weight that grows with the time since the
 * last sample. Read, it decays towards 0 with that same time constant, so an upstream that was
 * slow once is tried again after a while instead of never. Thread-safe; cheap (no allocation).
 */
final class PeakEwma {

  private final double tauNanos;
  private double ewmaNanos;
  private long stampNanos = System.nanoTime();

  /** {@code decayMillis}: the time constant (the weight of the past falls to 1/e in that long). */
  PeakEwma(long decayMillis) {
    this.tauNanos = decayMillis * 1_000_000.0;
  }

  synchronized void observe(long latencyNanos, long nowNanos) {
    double elapsed = Math.max(0, nowNanos - stampNanos);
    stampNanos = nowNanos;
    if (latencyNanos > ewmaNanos) {
      ewmaNanos = latencyNanos;
    } else {
      double w = Math.exp(-elapsed / tauNanos);
      ewmaNanos = ewmaNanos * w + latencyNanos * (1 - w);
    }
  }

  /** The estimate now, in nanoseconds. */
  synchronized double estimate(long nowNanos) {
    return ewmaNanos * Math.exp(-Math.max(0, nowNanos - stampNanos) / tauNanos);
  }
}
